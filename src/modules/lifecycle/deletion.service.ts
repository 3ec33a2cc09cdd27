/**
 * Deleting a workspace, by its owner, with a grace period: scheduling closes the workspace at once
 * (every route but the export and the deletion page answers 403) and sets the time; until then an
 * owner can cancel. At that time the purge writes a final archive for the operators, records the
 * deletion in the audit log (which keeps its rows), and deletes the tenant row: every tenant-owned
 * table references it with `on delete cascade`, so all of the workspace's rows go in that transaction.
 */
import fs from 'node:fs';
import path from 'node:path';
import { tenantOrigin } from '../../platform/config.js';
import type { Deps } from '../../platform/deps.js';
import { AppError, validationFailed } from '../../platform/errors.js';
import { SYSTEM_CONTEXT, type AuditService } from '../audit/index.js';
import type { EmailSender, EmailTemplateId, SendTemplateEmailInput } from '../email/index.js';
import type { MembersService, TenantsService } from '../tenants/index.js';
import type { Actor, ExportService, Origin } from './export.service.js';
import { lifecycleRepository } from './lifecycle.repository.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The longest one queued job waits (in-process timers overflow past 24.8 days): a longer grace period waits in hops. */
const MAX_JOB_DELAY_MS = 20 * DAY_MS;
export const PURGE_JOB = 'tenants.purge';
export const PURGE_DUE_JOB = 'tenants.purge_due';

/** Dedupes the delayed purge of one schedule (BullMQ allows exactly this many colons in a custom id). */
export const purgeJobId = (tenantId: string, at: Date) => `tenant-purge:${tenantId}:${at.getTime()}`;

export type PurgeResult = 'purged' | 'not_due' | 'missing';

export function createDeletionService(
  deps: Pick<Deps, 'config' | 'database' | 'queue' | 'log'>,
  services: { tenants: TenantsService; members: MembersService; audit: AuditService; exporter: ExportService; email: EmailSender },
) {
  const { tenants, members, audit, exporter } = services;
  const { config, database, log } = deps;
  const graceDays = config.tenantDeletionGraceDays;

  const ownerEmails = async (tenantId: string) => (await members.listMembers(tenantId)).filter((m) => m.role === 'owner').map((m) => m.email);

  /** Mail is queued after the change committed (the email job delivers it, with retries); a failure to queue is logged, never undoes it. */
  const sendAll = async <Id extends EmailTemplateId>(messages: SendTemplateEmailInput<Id>[]) => {
    await Promise.all(messages.map((m) => services.email.sendTemplateEmail(m).catch((err: unknown) => log.error({ err }, 'workspace deletion email could not be queued'))));
  };

  /** Where the final archive of a purged workspace goes (operators keep it; see docs/admin/operations.md). */
  const archivePath = (subdomain: string, tenantId: string, at: Date) => path.join(config.dataDir, 'exports', `${subdomain}-${tenantId}-${at.toISOString().slice(0, 10)}.zip`);

  const queuePurge = (tenantId: string, at: Date, dedupeKey: string) =>
    deps.queue.enqueue(PURGE_JOB, { tenantId, scheduledFor: at.getTime() }, { dedupeKey, delayMs: Math.min(MAX_JOB_DELAY_MS, Math.max(0, at.getTime() - Date.now())) });

  const service = {
    graceDays,

    /**
     * After a purge job woke before its time (a grace period longer than one job's wait): queues
     * the next hop, if the schedule it was queued for still stands.
     */
    async requeuePurge(tenantId: string, scheduledFor: number): Promise<boolean> {
      const tenant = await lifecycleRepository.findTenant(database.db, tenantId);
      const at = tenant?.deletionScheduledFor;
      if (!at || at.getTime() !== scheduledFor || at.getTime() <= Date.now()) return false;
      await queuePurge(tenantId, at, `${purgeJobId(tenantId, at)}-${Date.now()}`);
      return true;
    },

    /** What is wrong with the typed confirmation (it must be the workspace's subdomain), or null. */
    checkConfirmation(subdomain: string, typed: string): string | null {
      const value = typed.trim().toLowerCase();
      if (!value) return `Type ${subdomain} to confirm`;
      return value === subdomain ? null : `That is not this workspace's address: type ${subdomain}`;
    },

    /**
     * Schedules the deletion `graceDays` from now: the workspace closes at once, the purge is queued
     * for then, and every owner is told. `confirmation` must be the subdomain (422 otherwise);
     * the caller has checked the member's password. 409 when a deletion is already pending.
     */
    async schedule(tenantId: string, confirmation: string, actor: Actor, origin: Origin): Promise<Date> {
      const tenant = await tenants.requireTenant(tenantId);
      const problem = service.checkConfirmation(tenant.subdomain, confirmation);
      if (problem) throw validationFailed({ confirm: problem });
      const now = Date.now();
      const at = new Date(now + graceDays * DAY_MS);
      const row = await lifecycleRepository.scheduleDeletion(database.db, tenantId, at, actor.userId);
      if (!row) throw new AppError('conflict', 'This workspace is already scheduled for deletion.');
      await tenants.forgetCachedTenant(row.subdomain);
      await audit.record(
        {
          action: 'tenant.deletion_scheduled',
          tenantId,
          actorUserId: actor.userId,
          actorEmail: actor.email,
          target: { type: 'tenant', id: tenantId },
          details: { via: origin.via, scheduled_for: at.toISOString(), grace_days: graceDays },
        },
        origin.context,
      );
      try {
        await queuePurge(tenantId, at, purgeJobId(tenantId, at));
      } catch (err) {
        // The schedule is committed: the periodic purge-due run (and `saas-cli tenants purge-due`) still deletes it on time.
        log.error({ err, tenantId }, 'could not queue the workspace purge; purge-due will pick it up');
      }
      const deletionPage = `${tenantOrigin(config, row.subdomain)}/settings/workspace/delete`;
      const requestedBy = actor.email ?? 'An owner';
      await sendAll((await ownerEmails(tenantId)).map((to) => ({ to, template: 'workspace-deletion-scheduled' as const, context: { workspaceName: row.name, requestedBy, at, deletionPage } })));
      return at;
    },

    /** Cancels a pending deletion (the workspace opens again within seconds everywhere); false when none was pending. */
    async cancel(tenantId: string, actor: Actor, origin: Origin): Promise<boolean> {
      const row = await lifecycleRepository.cancelDeletion(database.db, tenantId);
      if (!row) return false;
      await tenants.forgetCachedTenant(row.subdomain);
      await audit.record(
        { action: 'tenant.deletion_cancelled', tenantId, actorUserId: actor.userId, actorEmail: actor.email, target: { type: 'tenant', id: tenantId }, details: { via: origin.via } },
        origin.context,
      );
      const workspaceUrl = tenantOrigin(config, row.subdomain);
      const cancelledBy = actor.email ?? 'An owner';
      await sendAll((await ownerEmails(tenantId)).map((to) => ({ to, template: 'workspace-deletion-cancelled' as const, context: { workspaceName: row.name, cancelledBy, workspaceUrl } })));
      return true;
    },

    /**
     * Deletes the workspace if its time has come (the `tenants.purge` job; safe to run twice, or
     * concurrently): a tenant that is gone, or whose deletion was cancelled or is not due yet, is left alone.
     */
    async purge(tenantId: string, now: Date = new Date()): Promise<PurgeResult> {
      const tenant = await lifecycleRepository.findTenant(database.db, tenantId);
      if (!tenant) return 'missing';
      if (!tenant.deletionScheduledFor || tenant.deletionScheduledFor.getTime() > now.getTime()) return 'not_due';
      // Collected first: after the delete nobody is a member any more.
      const owners = await ownerEmails(tenantId);
      const file = archivePath(tenant.subdomain, tenantId, now);
      const { bytes } = await exporter.writeArchive(tenantId, file);
      const deleted = await database.withTenant(tenantId, async (tx) => {
        const locked = await lifecycleRepository.lockDue(tx, tenantId, now);
        if (!locked) return false;
        await audit.record(
          {
            action: 'tenant.deleted',
            tenantId,
            target: { type: 'tenant', id: tenantId },
            details: {
              via: 'job',
              subdomain: locked.subdomain,
              name: locked.name,
              requested_by: locked.deletionRequestedBy,
              scheduled_for: locked.deletionScheduledFor!.toISOString(),
              archive: path.basename(file),
              archive_bytes: bytes,
            },
          },
          SYSTEM_CONTEXT,
          tx,
        );
        return lifecycleRepository.deleteTenant(tx, tenantId);
      });
      if (!deleted) {
        // Cancelled meanwhile: the archive of a live workspace must not stay behind. (Purged by a
        // concurrent run: the file is that run's archive, keep it.)
        if (!(await lifecycleRepository.findTenant(database.db, tenantId))) return 'missing';
        await fs.promises.rm(file, { force: true });
        return 'not_due';
      }
      await tenants.forgetCachedTenant(tenant.subdomain);
      log.info({ tenantId, subdomain: tenant.subdomain, archive: file }, 'workspace deleted');
      await sendAll(owners.map((to) => ({ to, template: 'workspace-deleted' as const, context: { workspaceName: tenant.name, subdomain: tenant.subdomain } })));
      return 'purged';
    },

    /** Workspaces whose deletion time has passed (a delayed job lost in a restart, or a queue that was down). */
    async listDue(now: Date = new Date(), limit = 1000) {
      return lifecycleRepository.listDue(database.db, now, limit);
    },
  };
  return service;
}

export type DeletionService = ReturnType<typeof createDeletionService>;
