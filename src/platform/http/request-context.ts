/**
 * What the platform attaches to every request: the resolved tenant (from the Host), the caller
 * (from a session cookie or a bearer token) and the tenant-scoped database handle.
 * Modules fill these in through hooks; route handlers read them through the `require*` guards.
 */
import type { FastifyRequest } from 'fastify';
import type { TenantDb } from '../db/database.js';

export interface TenantContext {
  id: string;
  name: string;
  subdomain: string;
  plan: string;
  status: string;
  /** Members must have two-factor authentication on to open the workspace. */
  requireMfa: boolean;
  /** When the logo last changed (versions its URL), null without one. */
  logoUpdatedAt: Date | null;
  /** While deletion is pending: when the workspace goes unless an owner cancels. */
  deletionScheduledFor: Date | null;
}

export interface AuthContext {
  userId: string;
  email: string;
  name: string;
  isSuperAdmin: boolean;
  /** Whether the account's email address is confirmed; null when the credential does not say (bearer tokens). */
  emailVerified: boolean | null;
  /** How the caller proved who they are. */
  via: 'session' | 'bearer';
  sessionId: string | null;
}

export interface MembershipContext {
  /** A built-in role (`owner`, ...) or a workspace-defined one (`custom:<slug>`). */
  role: string;
  /** What the role may do (src/modules/access/permissions.ts), resolved once per request. */
  permissions: ReadonlySet<string>;
}

/** The seed's `request.state.db`: a handle that runs queries scoped to the request's tenant. */
export interface TenantScope {
  readonly tenantId: string;
  /** Runs `fn` in one transaction that row-level security limits to the tenant. */
  run<T>(fn: (tx: TenantDb) => Promise<T>): Promise<T>;
  /**
   * Runs read-only `fn` limited to the tenant, each statement in one round trip where it can be.
   * Statements do not share a snapshot: use `run` when several reads must agree or anything is written.
   */
  read<T>(fn: (tx: TenantDb) => Promise<T>): Promise<T>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** 'root' = the marketing/sign-up site; 'tenant' = a tenant subdomain. */
    site: 'root' | 'tenant';
    tenant: TenantContext | null;
    auth: AuthContext | null;
    membership: MembershipContext | null;
    tenantDb: TenantScope | null;
    /** True when htmx sent the request: answer with a fragment. */
    isHtmx: boolean;
  }
  interface FastifyContextConfig {
    /** Skip the CSRF check: only for endpoints that never act on cookie authentication. */
    csrf?: false;
  }
}

export function isUnsafeMethod(request: FastifyRequest): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(request.method);
}
