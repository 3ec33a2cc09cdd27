/**
 * A workspace's data as one archive: `workspace.json` (everything, one document), a CSV per kind of
 * record, and a README saying what each file holds. Every tenant-owned row is read inside the
 * tenant's scope (row-level security), through the owning module's service where it has one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import crypto from 'node:crypto';
import { EXPORTED_AUDIT_COLUMNS, toExportedAuditEvent, type AuditContext, type AuditService, type ExportedAuditEvent } from '../audit/index.js';
import type { DataItem, DataService } from '../data/index.js';
import type { MembersService, TenantsService } from '../tenants/index.js';
// The ZIP and CSV writers (./archive.js) load on the first export: nothing else needs them.
import type { ArchiveEntry, toCsv as ToCsv } from './archive.js';
import { lifecycleRepository } from './lifecycle.repository.js';

/** Where a change or an export came from, for the audit log. */
export interface Origin {
  context: AuditContext;
  via: 'web' | 'api' | 'cli' | 'job';
}

/** The member behind a request (null: the system, for the final archive before deletion). */
export interface Actor {
  userId: string;
  email: string | null;
}

const PAGE_SIZE = 500;

type InvitationState = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface WorkspaceExport {
  format: 'saas-app.workspace-export';
  version: 1;
  exported_at: Date;
  workspace: { id: string; name: string; subdomain: string; plan: string; status: string; require_mfa: boolean; created_at: Date; deletion_scheduled_for: Date | null };
  members: { user_id: string; email: string; name: string; role: string; joined_at: Date }[];
  invitations: { email: string; role: string; state: InvitationState; created_at: Date; expires_at: Date; accepted_at: Date | null; revoked_at: Date | null }[];
  roles: { key: string; name: string; description: string; permissions: string[]; created_at: Date }[];
  data_items: { id: string; name: string; description: string; created_by: string | null; created_at: Date; updated_at: Date }[];
  custom_domains: { hostname: string; verified_at: Date | null; created_at: Date }[];
  /** Present only when the member who exported may read the audit log. */
  audit_events?: ExportedAuditEvent[];
}

/** `acme-export-2026-12-05.zip` */
export function exportFileName(subdomain: string, at: Date): string {
  return `${subdomain}-export-${at.toISOString().slice(0, 10)}.zip`;
}

function invitationState(row: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now: Date): InvitationState {
  if (row.acceptedAt) return 'accepted';
  if (row.revokedAt) return 'revoked';
  return row.expiresAt.getTime() <= now.getTime() ? 'expired' : 'pending';
}

function readme(doc: WorkspaceExport): string {
  const lines = [
    `Export of the workspace "${doc.workspace.name}" (${doc.workspace.subdomain}), made ${doc.exported_at.toISOString()}.`,
    '',
    'workspace.json           Everything below in one JSON document (UTF-8, dates in ISO 8601, UTC).',
    'csv/workspace.csv        The workspace: id, name, subdomain, plan, status, settings, dates.',
    'csv/members.csv          Members: user id, email, name, role, when they joined.',
    'csv/invitations.csv      Invitations: email, role, state (pending, accepted, revoked, expired), dates.',
    "csv/roles.csv            The workspace's own roles: key, name, description, permissions (space separated).",
    'csv/data_items.csv       Data items, every column.',
    'csv/custom_domains.csv   Custom domains: host name, when it was verified, when it was added.',
  ];
  if (doc.audit_events) lines.push('csv/audit_events.csv     The audit log: who did what, when, from where.');
  else lines.push('', 'The audit log is not included: the role of the member who exported it may not read it.');
  lines.push(
    '',
    'CSV files follow RFC 4180 (comma separated, double quotes, CRLF line ends) and start with a UTF-8 byte-order mark.',
    "A text cell that begins with =, +, -, @, a tab or a carriage return has a ' in front, so spreadsheets do not run it as a formula;",
    'workspace.json holds the values unchanged.',
    '',
  );
  return lines.join('\r\n');
}

function archiveEntries(doc: WorkspaceExport, toCsv: typeof ToCsv): ArchiveEntry[] {
  const w = doc.workspace;
  const entries: ArchiveEntry[] = [
    { name: 'README.txt', content: readme(doc) },
    { name: 'workspace.json', content: `${JSON.stringify(doc, null, 2)}\n` },
    {
      name: 'csv/workspace.csv',
      content: toCsv(
        ['id', 'name', 'subdomain', 'plan', 'status', 'require_mfa', 'created_at', 'deletion_scheduled_for'],
        [[w.id, w.name, w.subdomain, w.plan, w.status, w.require_mfa, w.created_at, w.deletion_scheduled_for]],
      ),
    },
    { name: 'csv/members.csv', content: toCsv(['user_id', 'email', 'name', 'role', 'joined_at'], doc.members.map((m) => [m.user_id, m.email, m.name, m.role, m.joined_at])) },
    {
      name: 'csv/invitations.csv',
      content: toCsv(
        ['email', 'role', 'state', 'created_at', 'expires_at', 'accepted_at', 'revoked_at'],
        doc.invitations.map((i) => [i.email, i.role, i.state, i.created_at, i.expires_at, i.accepted_at, i.revoked_at]),
      ),
    },
    { name: 'csv/roles.csv', content: toCsv(['key', 'name', 'description', 'permissions', 'created_at'], doc.roles.map((r) => [r.key, r.name, r.description, r.permissions, r.created_at])) },
    {
      name: 'csv/data_items.csv',
      content: toCsv(['id', 'name', 'description', 'created_by', 'created_at', 'updated_at'], doc.data_items.map((d) => [d.id, d.name, d.description, d.created_by, d.created_at, d.updated_at])),
    },
    { name: 'csv/custom_domains.csv', content: toCsv(['hostname', 'verified_at', 'created_at'], doc.custom_domains.map((d) => [d.hostname, d.verified_at, d.created_at])) },
  ];
  if (doc.audit_events) {
    entries.push({ name: 'csv/audit_events.csv', content: toCsv(EXPORTED_AUDIT_COLUMNS, doc.audit_events.map((e) => EXPORTED_AUDIT_COLUMNS.map((c) => e[c]))) });
  }
  return entries;
}

const toDataRow = (d: DataItem) => ({ id: d.id, name: d.name, description: d.description, created_by: d.createdBy, created_at: d.createdAt, updated_at: d.updatedAt });

export function createExportService(services: { tenants: TenantsService; members: MembersService; data: DataService; audit: AuditService }) {
  const { tenants, members, data, audit } = services;

  /** Every page of a paged reader, in order. */
  async function allPages<T>(readPage: (page: number) => Promise<{ items: T[]; more: boolean }>): Promise<T[]> {
    const all: T[] = [];
    for (let page = 1; ; page++) {
      const { items, more } = await readPage(page);
      all.push(...items);
      if (!more) return all;
    }
  }

  const service = {
    /** Reads the workspace's records into one document (the audit log only with `includeAudit`). */
    async collect(tenantId: string, options: { includeAudit: boolean; now?: Date }): Promise<WorkspaceExport> {
      const now = options.now ?? new Date();
      const tenant = await tenants.requireTenant(tenantId);
      const scope = tenants.getTenantDb(tenantId);
      const [memberRows, other, items, events] = await Promise.all([
        members.listMembers(tenantId),
        scope.read(async (tx) => ({
          invitations: await lifecycleRepository.listInvitations(tx),
          roles: await lifecycleRepository.listRoles(tx),
          domains: await lifecycleRepository.listCustomDomains(tx),
        })),
        allPages(async (page) => {
          const result = await data.list(scope, page, PAGE_SIZE);
          return { items: result.items, more: result.nextPage !== null };
        }),
        options.includeAudit
          ? allPages(async (page) => {
              const result = await scope.read((tx) => audit.listForTenant(tx, {}, page, PAGE_SIZE));
              return { items: result.items, more: result.hasMore };
            })
          : Promise.resolve(null),
      ]);
      return {
        format: 'saas-app.workspace-export',
        version: 1,
        exported_at: now,
        workspace: {
          id: tenant.id,
          name: tenant.name,
          subdomain: tenant.subdomain,
          plan: tenant.plan,
          status: tenant.status,
          require_mfa: tenant.requireMfa,
          created_at: tenant.createdAt,
          deletion_scheduled_for: tenant.deletionScheduledFor,
        },
        members: memberRows.map((m) => ({ user_id: m.userId, email: m.email, name: m.name, role: m.role, joined_at: m.joinedAt })),
        invitations: other.invitations.map((i) => ({
          email: i.email,
          role: i.role,
          state: invitationState(i, now),
          created_at: i.createdAt,
          expires_at: i.expiresAt,
          accepted_at: i.acceptedAt,
          revoked_at: i.revokedAt,
        })),
        roles: other.roles.map((r) => ({ key: r.key, name: r.name, description: r.description, permissions: r.permissions, created_at: r.createdAt })),
        data_items: items.map(toDataRow),
        custom_domains: other.domains.map((d) => ({ hostname: d.hostname, verified_at: d.verifiedAt, created_at: d.createdAt })),
        ...(events ? { audit_events: events.map(toExportedAuditEvent) } : {}),
      };
    },

    /** The ZIP of a collected document, as a stream. */
    async archive(doc: WorkspaceExport): Promise<Readable> {
      const { toCsv, zipStream } = await import('./archive.js');
      return zipStream(archiveEntries(doc, toCsv), doc.exported_at);
    },

    /**
     * A member's download: the archive's name and bytes, audited (`tenant.exported`). The records are
     * read before this returns, so a failure is an error answer rather than a cut-off download.
     */
    async exportForMember(tenantId: string, actor: Actor, options: { includeAudit: boolean }, origin: Origin): Promise<{ fileName: string; stream: Readable }> {
      const doc = await service.collect(tenantId, options);
      await audit.record(
        {
          action: 'tenant.exported',
          tenantId,
          actorUserId: actor.userId,
          actorEmail: actor.email,
          target: { type: 'tenant', id: tenantId },
          details: { via: origin.via, audit_log_included: options.includeAudit, data_items: doc.data_items.length, members: doc.members.length },
        },
        origin.context,
      );
      return { fileName: exportFileName(doc.workspace.subdomain, doc.exported_at), stream: await service.archive(doc) };
    },

    /** Writes the full archive (audit log included) to `filePath`, atomically: a reader never sees half a file. */
    async writeArchive(tenantId: string, filePath: string): Promise<{ bytes: number }> {
      const doc = await service.collect(tenantId, { includeAudit: true });
      await fs.promises.mkdir(path.dirname(filePath), { recursive: true, mode: 0o700 });
      const partial = `${filePath}.${crypto.randomBytes(4).toString('hex')}.partial`;
      try {
        await pipeline(await service.archive(doc), fs.createWriteStream(partial, { mode: 0o600 }));
        await fs.promises.rename(partial, filePath);
      } catch (err) {
        await fs.promises.rm(partial, { force: true });
        throw err;
      }
      return { bytes: (await fs.promises.stat(filePath)).size };
    },
  };
  return service;
}

export type ExportService = ReturnType<typeof createExportService>;
