/**
 * Tenants (the seed's TenantManager): self-service sign-up, creation by an operator, lookup by
 * subdomain, memberships, and the tenant-scoped database handle.
 */
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db, TenantDb, Tx } from '../../platform/db/database.js';
import { tenantOrigin } from '../../platform/config.js';
import type { Deps } from '../../platform/deps.js';
import { AppError, notFound, validationFailed } from '../../platform/errors.js';
import { uniqueViolation } from '../../platform/db/errors.js';
import { createLocalMemo } from '../../platform/cache/local-memo.js';
import type { TenantScope } from '../../platform/http/request-context.js';
import { DEFAULT_PLAN_ID, findPlan, isPlanId, PLANS } from '../billing/index.js';
import { type ProviderIdentity, checkPasswordPolicy, normalizeEmail, type AuthService } from '../auth/index.js';
import { SYSTEM_CONTEXT, type AuditContext, type AuditService } from '../audit/index.js';
import { isPlainAddress, type EmailSender } from '../email/index.js';
import { checkSubdomain } from './subdomains.js';
import { createTenantsRepository, type TenantRow } from './tenants.repository.js';
import { createAddressRepository } from './address.repository.js';
import { BUILT_IN_CATALOG, createRoleCatalog, isMemberRole, MEMBER_ROLES, type CustomRoleDefinition, type Permission, type RoleCatalog } from '../access/index.js';
import { createRolesRepository, type TenantRoleRow } from './roles.repository.js';

export interface Tenant {
  id: string;
  name: string;
  subdomain: string;
  plan: string;
  status: string;
  requireMfa: boolean;
  /** When the logo last changed (versions its URL), null without one. */
  logoUpdatedAt: Date | null;
  /** While deletion is pending: when the workspace goes unless an owner cancels. */
  deletionScheduledFor: Date | null;
  createdAt: Date;
}

export interface SignUpInput {
  companyName: string;
  subdomain: string;
  email: string;
  /** Not used when `identity` is given. */
  password: string;
  plan?: string;
  /** Signing up with a sign-in provider that verified the address: the account gets no password, and `email` is the provider's. */
  identity?: ProviderIdentity;
  /** The person ticked the product-news box: recorded as consent (source `signup`) with the account. */
  marketingOptIn?: boolean;
  /** Where the sign-up came from, kept with that consent. */
  client?: { ip?: string | null; userAgent?: string | null };
}

/** Records marketing consent (the campaigns module's subscriptions), in the sign-up's transaction. */
export interface MarketingConsent {
  setMarketing(userId: string, marketing: boolean, source: 'signup', client: { ip?: string | null; userAgent?: string | null }, tx: Db): Promise<boolean>;
}

/** Where a change came from, for the audit log: the request's context, or the CLI / seed. */
export interface ChangeOrigin {
  context: AuditContext;
  via: 'web' | 'api' | 'cli' | 'seed';
}
const SYSTEM_ORIGIN: ChangeOrigin = { context: SYSTEM_CONTEXT, via: 'cli' };

/** Who made a change from the web or the API (the CLI's operator is not a user). */
export interface Actor {
  userId: string;
  email: string | null;
}
const actorFields = (actor: Actor | null) => (actor ? { actorUserId: actor.userId, actorEmail: actor.email } : {});

/** Roles a member can hold in a tenant, most powerful first. */

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TENANT_CACHE_SECONDS = 30;
const MEMBERSHIP_CACHE_SECONDS = 60;
const ROLES_CACHE_SECONDS = 60;
const NO_PERMISSIONS: ReadonlySet<Permission> = new Set();

const toDefinition = (r: TenantRoleRow): CustomRoleDefinition => ({ id: r.id, key: r.key, name: r.name, description: r.description, permissions: r.permissions });

/** A workspace's role catalog as the transaction sees it (built-in roles plus its own). */
export async function loadRoleCatalog(tx: TenantDb): Promise<RoleCatalog> {
  return createRoleCatalog((await createRolesRepository().list(tx)).map(toDefinition));
}
/** How long one process trusts its own copy of a tenant or membership before asking the shared cache again. */
export const LOCAL_CACHE_MS = 5000;

function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    name: row.name,
    subdomain: row.subdomain,
    plan: row.plan,
    status: row.status,
    requireMfa: row.requireMfa,
    logoUpdatedAt: row.logoUpdatedAt,
    deletionScheduledFor: row.deletionScheduledFor,
    createdAt: row.createdAt,
  };
}

type CachedTenant = Omit<Tenant, 'createdAt' | 'logoUpdatedAt' | 'deletionScheduledFor'> & { createdAt: string; logoUpdatedAt: string | null; deletionScheduledFor: string | null };
const dateOrNull = (value: string | null) => (value === null ? null : new Date(value));
function fromCache(cached: CachedTenant): Tenant {
  return { ...cached, createdAt: new Date(cached.createdAt), logoUpdatedAt: dateOrNull(cached.logoUpdatedAt ?? null), deletionScheduledFor: dateOrNull(cached.deletionScheduledFor ?? null) };
}

export function createTenantsService(deps: Pick<Deps, 'config' | 'database' | 'cache' | 'log'>, auth: AuthService, audit: AuditService, mail: EmailSender, consent: MarketingConsent) {
  const repo = createTenantsRepository(deps.database.db);
  // Old subdomains that still redirect to their workspace (address.service.ts) are not free either.
  const redirects = createAddressRepository(deps.database);

  /** Checks name, subdomain and plan; returns field errors (empty when fine). */
  /** What is wrong with a workspace name, or null. */
  function checkWorkspaceName(nameInput: string, what = 'your company name'): string | null {
    const name = nameInput.trim();
    if (!name) return `Enter ${what}`;
    if (name.length > 100) return 'Use at most 100 characters';
    return null;
  }

  function checkTenantFields(input: { name: string; subdomain: string; plan: string }): Record<string, string> {
    const errors: Record<string, string> = {};
    const nameProblem = checkWorkspaceName(input.name);
    if (nameProblem) errors.name = nameProblem;
    const subdomainProblem = checkSubdomain(input.subdomain);
    if (subdomainProblem) errors.subdomain = subdomainProblem;
    if (!isPlanId(input.plan)) errors.plan = `Choose one of: ${PLANS.map((p) => p.id).join(', ')}`;
    return errors;
  }

  function mapUniqueViolation(err: unknown): never {
    const constraint = uniqueViolation(err);
    if (constraint?.includes('subdomain')) throw validationFailed({ subdomain: 'This subdomain is taken; pick another' });
    if (constraint?.includes('email')) throw validationFailed({ email: 'An account with this email already exists; log in instead' });
    throw err;
  }

  async function insertTenant(tx: Tx, input: { name: string; subdomain: string; plan: string }, ownerId: string) {
    const id = crypto.randomUUID();
    // The owner's membership row is tenant-owned: scope the transaction to the new tenant before inserting it.
    await tx.execute(sql`select set_config('app.tenant_id', ${id}, true)`);
    return repo.insertWithOwner(tx, { id, name: input.name.trim(), subdomain: input.subdomain, plan: input.plan }, ownerId);
  }

  // Per-process memos in front of the shared cache: other processes see a change within LOCAL_CACHE_MS.
  const localTenants = createLocalMemo<Tenant | null>(LOCAL_CACHE_MS);
  const localRoles = createLocalMemo<string>(LOCAL_CACHE_MS);
  const localCatalogs = createLocalMemo<RoleCatalog>(LOCAL_CACHE_MS);

  /** A lookup may have cached "no such tenant" for this subdomain a moment ago. */
  const forgetSubdomain = async (subdomain: string) => {
    localTenants.delete(`tenant:sub:${subdomain}`);
    await deps.cache.delete(`tenant:sub:${subdomain}`);
  };

  const service = {
    checkTenantFields,
    /** After a change to a tenant row: drops the cached copies, so every process sees the change within seconds. */
    forgetCachedTenant: forgetSubdomain,
    memberRoles: MEMBER_ROLES,

    /**
     * Self-service sign-up: creates the owner (with a password) and the tenant in one transaction,
     * so a failure at any point (or a killed process) leaves both or neither.
     */
    async signUp(input: SignUpInput, origin: ChangeOrigin = SYSTEM_ORIGIN): Promise<{ tenant: Tenant; userId: string }> {
      const subdomain = input.subdomain.trim().toLowerCase();
      const { identity } = input;
      if (identity && (!identity.email || !identity.emailVerified)) throw new Error('signUp: a provider identity needs a verified email');
      const email = normalizeEmail(identity ? identity.email! : input.email);
      const plan = input.plan?.trim() || DEFAULT_PLAN_ID;
      const errors = checkTenantFields({ name: input.companyName, subdomain, plan });
      if (errors.name) {
        errors.companyName = errors.name;
        delete errors.name;
      }
      if (!EMAIL_RE.test(email) || !isPlainAddress(email)) errors.email = 'Enter a valid email address, like you@company.com';
      const passwordProblem = identity ? null : checkPasswordPolicy(input.password);
      if (passwordProblem) errors.password = passwordProblem;
      if (!errors.subdomain && ((await repo.subdomainTaken(subdomain)) || (await redirects.heldByRedirect(subdomain)))) errors.subdomain = 'This subdomain is taken; pick another';
      if (!errors.email && (await auth.users.findByEmail(email))) errors.email = 'An account with this email already exists; log in instead';
      if (Object.keys(errors).length > 0) throw validationFailed(errors);

      const passwordHash = identity ? null : await auth.hashPassword(input.password);
      try {
        const created = await deps.database.transaction(async (tx) => {
          const user = identity
            ? await auth.users.insertWithIdentity(tx, { email, name: identity.name || email.split('@')[0]!, provider: identity.provider, subject: identity.subject, providerEmail: email })
            : await auth.users.insertWithPassword(tx, { email, name: email.split('@')[0]!, passwordHash: passwordHash! });
          const tenant = await insertTenant(tx, { name: input.companyName, subdomain, plan }, user.id);
          const actor = { actorUserId: user.id, actorEmail: email };
          const method: Record<string, string> = identity ? { method: 'oauth', provider: identity.provider } : { method: 'password' };
          await audit.record({ action: 'auth.signup', ...actor, target: { type: 'user', id: user.id }, details: { via: origin.via, ...method } }, origin.context, tx);
          await audit.record({ action: 'tenant.created', tenantId: tenant.id, ...actor, target: { type: 'tenant', id: tenant.id }, details: { via: origin.via, plan } }, origin.context, tx);
          // In the sign-up's transaction: the welcome email leaves only if the workspace exists.
          const welcome = { name: user.name, email, workspaceName: tenant.name, workspaceUrl: tenantOrigin(deps.config, tenant.subdomain) };
          await mail.sendTemplateEmail({ to: email, template: 'welcome', context: welcome, userId: user.id }, tx);
          if (input.marketingOptIn === true) await consent.setMarketing(user.id, true, 'signup', input.client ?? {}, tx);
          return { tenant: toTenant(tenant), userId: user.id };
        });
        await forgetSubdomain(subdomain);
        return created;
      } catch (err) {
        mapUniqueViolation(err);
      }
    },

    /** The seed's `createTenant`: a tenant owned by an existing user (API and CLI). */
    async createTenant(input: { name: string; subdomain: string; plan?: string; ownerEmail: string }, origin: ChangeOrigin = SYSTEM_ORIGIN): Promise<Tenant> {
      const subdomain = input.subdomain.trim().toLowerCase();
      const plan = input.plan?.trim() || DEFAULT_PLAN_ID;
      const errors = checkTenantFields({ name: input.name, subdomain, plan });
      if (!errors.subdomain && ((await repo.subdomainTaken(subdomain)) || (await redirects.heldByRedirect(subdomain)))) errors.subdomain = 'This subdomain is taken; pick another';
      if (Object.keys(errors).length > 0) throw validationFailed(errors);
      const owner = await auth.users.findByEmail(input.ownerEmail);
      if (!owner) throw validationFailed({ ownerEmail: 'No user has this email' });
      try {
        const tenant = toTenant(
          await deps.database.transaction(async (tx) => {
            const row = await insertTenant(tx, { name: input.name, subdomain, plan }, owner.id);
            // From the CLI the operator acts, not the owner: no actor then, the owner is in the target.
            const actor = origin.via === 'cli' ? {} : { actorUserId: owner.id, actorEmail: owner.email };
            await audit.record(
              { action: 'tenant.created', tenantId: row.id, ...actor, target: { type: 'tenant', id: row.id }, details: { via: origin.via, plan, owner_id: owner.id } },
              origin.context,
              tx,
            );
            return row;
          }),
        );
        await forgetSubdomain(subdomain);
        return tenant;
      } catch (err) {
        mapUniqueViolation(err);
      }
    },

    /** Active or suspended tenant by subdomain, cached (the Host lookup runs on every request). */
    async getTenantBySubdomain(subdomain: string): Promise<Tenant | null> {
      const key = `tenant:sub:${subdomain}`;
      const local = localTenants.get(key);
      if (local !== undefined) return local;
      const cached = await deps.cache.get(key);
      let tenant: Tenant | null;
      if (cached) {
        const parsed = JSON.parse(cached) as CachedTenant | { missing: true };
        tenant = 'missing' in parsed ? null : fromCache(parsed);
      } else {
        const row = await repo.findBySubdomain(subdomain);
        tenant = row ? toTenant(row) : null;
        // Unknown subdomains are cached too (briefly), so probing random names does not hit the database each time.
        await deps.cache.set(key, JSON.stringify(tenant ?? { missing: true }), tenant ? TENANT_CACHE_SECONDS : 5);
      }
      localTenants.set(key, tenant);
      return tenant;
    },

    async getTenantById(id: string): Promise<Tenant | null> {
      const row = await repo.findById(id);
      return row ? toTenant(row) : null;
    },

    async requireTenant(id: string): Promise<Tenant> {
      const tenant = await service.getTenantById(id);
      if (!tenant) throw notFound('Tenant');
      return tenant;
    },

    /** The seed's `get_tenant_db`: run queries that row-level security limits to this tenant. */
    getTenantDb(tenantId: string): TenantScope {
      return { tenantId, run: (fn) => deps.database.withTenant(tenantId, fn), read: (fn) => deps.database.readTenant(tenantId, fn) };
    },

    /** The user's role in the tenant, or null when not a member. Cached; changes must call `refreshMembership`. */
    async getMembershipRole(tenantId: string, userId: string): Promise<string | null> {
      const key = `membership:${tenantId}:${userId}`;
      const local = localRoles.get(key);
      if (local !== undefined) return local || null;
      let role = await deps.cache.get(key);
      if (role === null) {
        const membership = await deps.database.withTenant(tenantId, (tx) => repo.findMembership(tx, userId));
        role = membership?.role ?? '';
        // Only into an empty slot: a change committed meanwhile wrote the new role (refreshMembership),
        // and this read, older than that change, must not put the old one back.
        await deps.cache.setIfAbsent(key, role, MEMBERSHIP_CACHE_SECONDS);
      }
      localRoles.set(key, role);
      return role || null;
    },

    /**
     * After a membership changed (role, removal, a new member): reads the committed role and writes
     * it to the shared cache, so every process's next look sees it (this one at once, others once
     * their 5-second local memo lapses).
     */
    async refreshMembership(tenantId: string, userId: string): Promise<void> {
      const key = `membership:${tenantId}:${userId}`;
      const membership = await deps.database.withTenant(tenantId, (tx) => repo.findMembership(tx, userId));
      const role = membership?.role ?? '';
      await deps.cache.set(key, role, MEMBERSHIP_CACHE_SECONDS);
      localRoles.set(key, role);
    },

    /**
     * The workspace's roles (built-in and its own). Cached like memberships; a change to its roles
     * must call `refreshRoleCatalog`, which makes edited permissions apply at once.
     */
    async getRoleCatalog(tenantId: string): Promise<RoleCatalog> {
      const key = `tenant-roles:${tenantId}`;
      const local = localCatalogs.get(key);
      if (local) return local;
      const cached = await deps.cache.get(key);
      let definitions: CustomRoleDefinition[];
      if (cached !== null) {
        definitions = JSON.parse(cached) as CustomRoleDefinition[];
      } else {
        definitions = (await deps.database.withTenant(tenantId, (tx) => createRolesRepository().list(tx))).map(toDefinition);
        // Only into an empty slot: an edit committed meanwhile already wrote the newer definitions.
        await deps.cache.setIfAbsent(key, JSON.stringify(definitions), ROLES_CACHE_SECONDS);
      }
      const catalog = createRoleCatalog(definitions);
      localCatalogs.set(key, catalog);
      return catalog;
    },

    /** After a workspace's roles changed: writes the committed definitions to the shared cache (write-through). */
    async refreshRoleCatalog(tenantId: string): Promise<RoleCatalog> {
      const key = `tenant-roles:${tenantId}`;
      const definitions = (await deps.database.withTenant(tenantId, (tx) => createRolesRepository().list(tx))).map(toDefinition);
      await deps.cache.set(key, JSON.stringify(definitions), ROLES_CACHE_SECONDS);
      const catalog = createRoleCatalog(definitions);
      localCatalogs.set(key, catalog);
      return catalog;
    },

    /** What `role` may do in the workspace: built-in roles without a lookup, the workspace's own from its catalog; unknown -> nothing. */
    async permissionsForRole(tenantId: string, role: string): Promise<ReadonlySet<Permission>> {
      if (isMemberRole(role)) return BUILT_IN_CATALOG.permissionsOf(role);
      if (!role) return NO_PERMISSIONS;
      return (await service.getRoleCatalog(tenantId)).permissionsOf(role);
    },

    async listTenantsForUser(userId: string): Promise<(Tenant & { role: string })[]> {
      const rows = await deps.database.withUser(userId, (tx) => repo.listForUser(tx, userId));
      return rows.map((r) => ({ ...toTenant(r), role: r.role }));
    },

    /** Whether members must use two-factor authentication to open the tenant (takes effect within seconds everywhere). */
    async setRequireMfa(tenantId: string, required: boolean, origin: ChangeOrigin = SYSTEM_ORIGIN, actor: Actor | null = null): Promise<Tenant> {
      const row = await repo.setRequireMfa(tenantId, required);
      if (!row) throw notFound('Tenant');
      await forgetSubdomain(row.subdomain);
      await audit.record(
        { action: 'tenant.mfa_requirement_changed', tenantId, ...actorFields(actor), target: { type: 'tenant', id: tenantId }, details: { via: origin.via, required } },
        origin.context,
      );
      return toTenant(row);
    },

    /**
     * Suspends a workspace (its pages and API answer 403 "Tenant suspended" within seconds everywhere)
     * or reactivates it. Data, members and settings stay as they are. Operators only (the CLI).
     */
    async setStatus(tenantId: string, status: 'active' | 'suspended', origin: ChangeOrigin = SYSTEM_ORIGIN): Promise<Tenant> {
      const row = await repo.setStatus(tenantId, status);
      if (!row) throw notFound('Tenant');
      await forgetSubdomain(row.subdomain);
      await audit.record(
        { action: status === 'suspended' ? 'tenant.suspended' : 'tenant.reactivated', tenantId, target: { type: 'tenant', id: tenantId }, details: { via: origin.via } },
        origin.context,
      );
      return toTenant(row);
    },

    /** Renames a workspace (its address stays); the new name shows everywhere within seconds. */
    async renameTenant(tenantId: string, nameInput: string, origin: ChangeOrigin, actor: Actor | null = null): Promise<Tenant> {
      const name = nameInput.trim();
      const problem = checkWorkspaceName(name, 'a name for the workspace');
      if (problem) throw validationFailed({ name: problem });
      const before = await repo.findById(tenantId);
      if (!before) throw notFound('Tenant');
      const row = await repo.rename(tenantId, name);
      if (!row) throw notFound('Tenant');
      await forgetSubdomain(row.subdomain);
      await audit.record(
        { action: 'tenant.renamed', tenantId, ...actorFields(actor), target: { type: 'tenant', id: tenantId }, details: { via: origin.via, from: before.name, to: name } },
        origin.context,
      );
      return toTenant(row);
    },

    /** Tenants where `userId` is the only owner: the account cannot go before another owner is named. */
    async tenantsOnlyOwnedBy(userId: string): Promise<Tenant[]> {
      const owned = (await service.listTenantsForUser(userId)).filter((t) => t.role === 'owner');
      const sole: Tenant[] = [];
      for (const tenant of owned) {
        const members = await service.listMembers(tenant.id);
        if (members.filter((m) => m.role === 'owner').length === 1) sole.push(tenant);
      }
      return sole;
    },

    async countMembers(tenantId: string): Promise<number> {
      return deps.database.withTenant(tenantId, (tx) => repo.countMembers(tx));
    },

    /**
     * Adds an existing user to a tenant with a role, within the plan's member limit.
     * Throws `validation_failed` for a bad role or an existing membership, `plan_limit_reached` when the tenant is full.
     */
    async addMember(tenantId: string, userId: string, role: string): Promise<void> {
      const catalog = isMemberRole(role) ? BUILT_IN_CATALOG : await service.getRoleCatalog(tenantId);
      if (!catalog.has(role)) throw validationFailed({ role: `Choose one of: ${[...MEMBER_ROLES, ...catalog.roles.filter((r) => !r.builtIn).map((r) => r.key)].join(', ')}` });
      const tenant = await service.requireTenant(tenantId);
      const limit = findPlan(tenant.plan)?.limits.members ?? null;
      await deps.database.withTenant(tenantId, async (tx) => {
        if (await repo.findMembership(tx, userId)) throw validationFailed({ email: 'This user is already a member of this tenant' });
        if (limit !== null && (await repo.countMembers(tx)) >= limit) {
          throw new AppError('plan_limit_reached', `The ${tenant.plan} plan allows at most ${limit} members; upgrade the plan to add more`);
        }
        await repo.insertMembership(tx, userId, role);
      });
      await service.refreshMembership(tenantId, userId);
    },

    /** Everyone in the tenant with their role, oldest membership first. */
    async listMembers(tenantId: string): Promise<{ userId: string; role: string; joinedAt: Date }[]> {
      const rows = await deps.database.withTenant(tenantId, (tx) => repo.listMembers(tx));
      return rows;
    },

    /** Every tenant, a page at a time (for jobs that visit each workspace). */
    async *eachTenant(pageSize = 200): AsyncGenerator<{ id: string; name: string; subdomain: string; plan: string; status: string }> {
      let after: string | null = null;
      for (;;) {
        const page = await repo.listIdsAfter(after, pageSize);
        yield* page;
        if (page.length < pageSize) return;
        after = page[page.length - 1]!.id;
      }
    },

    async listTenants(limit = 100): Promise<Tenant[]> {
      return (await repo.list(limit)).map(toTenant);
    },
  };
  return service;
}

export type TenantsService = ReturnType<typeof createTenantsService>;
