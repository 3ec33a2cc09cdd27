/**
 * The members of a workspace: who is in it, changing roles, removing members and leaving. The rules
 * (docs/permissions.md): nobody gives a role above their own nor changes a member above them, and a
 * workspace always keeps at least one owner. Every change locks the tenant's owner memberships first,
 * so concurrent changes of one tenant run one after another and never leave it without an owner.
 */
import { UUID_RE, type TenantDb } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { isCustomRoleKey, isMemberRole, type RoleCatalog } from '../access/index.js';
import type { AuditService } from '../audit/index.js';
import { createTenantsRepository } from './tenants.repository.js';
import { createRolesRepository } from './roles.repository.js';
import { loadRoleCatalog, type ChangeOrigin, type TenantsService } from './tenants.service.js';

export interface Member {
  userId: string;
  name: string;
  email: string;
  role: string;
  joinedAt: Date;
}

/** Who makes a change: their user id and the role the request saw (the transaction checks the current one too). */
export interface MemberActor {
  userId: string;
  role: string;
  /** For the audit log. */
  email?: string | null;
}

export type ChangeRoleResult = 'changed' | 'unchanged' | 'invalid_role' | 'not_found' | 'not_allowed' | 'last_owner';
/** `self`: members leave through `leave`, not by removing themselves. */
export type RemoveMemberResult = 'removed' | 'not_found' | 'not_allowed' | 'self' | 'last_owner';
export type LeaveResult = 'left' | 'not_found' | 'last_owner';

/**
 * Whether `actorRole` may act on a member who holds `targetRole`: they could give that role. A
 * member whose role the workspace no longer knows (it was deleted under them) has no permissions,
 * so anyone who may assign roles may fix them.
 */
function canChangeMemberWith(catalog: RoleCatalog, actorRole: string, targetRole: string): boolean {
  return catalog.has(targetRole) ? catalog.canGrant(actorRole, targetRole) : catalog.permissionsOf(actorRole).has('roles:assign');
}

export function createMembersService(deps: Pick<Deps, 'database'>, tenants: Pick<TenantsService, 'refreshMembership' | 'getRoleCatalog'>, audit: AuditService) {
  const repo = createTenantsRepository(deps.database.db);
  const roles = createRolesRepository();

  /** The actor's role as committed now (undefined: no longer a member), and their email for the audit log (bearer tokens carry none). */
  async function actorNow(tx: TenantDb, actor: { userId: string; email?: string | null | undefined }): Promise<{ role: string | undefined; email: string | null }> {
    const [row] = await repo.listMembersWithUsers(tx, actor.userId);
    return { role: row?.role, email: actor.email || row?.email || null };
  }

  return {
    /** The workspace's roles (built-in and its own), for role pickers and the matrix. */
    roleCatalog: (tenantId: string): Promise<RoleCatalog> => tenants.getRoleCatalog(tenantId),

    /** Everyone in the workspace with their name, email and role, oldest membership first. */
    async listMembers(tenantId: string): Promise<Member[]> {
      return deps.database.withTenant(tenantId, (tx) => repo.listMembersWithUsers(tx));
    },

    /** One member, or null (also for an id that is not a uuid). */
    async getMember(tenantId: string, userId: string): Promise<Member | null> {
      if (!UUID_RE.test(userId)) return null;
      const [member] = await deps.database.withTenant(tenantId, (tx) => repo.listMembersWithUsers(tx, userId));
      return member ?? null;
    },

    /**
     * Gives `targetUserId` the role `newRole`. The actor needs a role that could give both the new
     * role and the target's current one; the last owner cannot be demoted.
     */
    async changeRole(tenantId: string, actor: MemberActor, targetUserId: string, newRole: string, origin: ChangeOrigin): Promise<ChangeRoleResult> {
      if (!isMemberRole(newRole) && !isCustomRoleKey(newRole)) return 'invalid_role';
      if (!UUID_RE.test(targetUserId)) return 'not_found';
      const result = await deps.database.withTenant(tenantId, async (tx): Promise<ChangeRoleResult> => {
        const owners = await repo.lockOwners(tx);
        // A workspace's own role must exist, and stays until this commits (deletion waits).
        if (isCustomRoleKey(newRole) && !(await roles.shareLockByKey(tx, newRole))) return 'invalid_role';
        const catalog = await loadRoleCatalog(tx);
        const target = await repo.lockMembership(tx, targetUserId);
        if (!target) return 'not_found';
        const { role: current, email: actorEmail } = await actorNow(tx, actor);
        // Both the role the request saw and the one committed now must allow it: a demotion that raced in wins.
        const mayGrant = (role: string) => current !== undefined && catalog.canGrant(actor.role, role) && catalog.canGrant(current, role);
        const mayChange = (role: string) => current !== undefined && canChangeMemberWith(catalog, actor.role, role) && canChangeMemberWith(catalog, current, role);
        if (!mayGrant(newRole) || !mayChange(target.role)) return 'not_allowed';
        if (target.role === newRole) return 'unchanged';
        if (target.role === 'owner' && owners.filter((id) => id !== targetUserId).length === 0) return 'last_owner';
        await repo.setMemberRole(tx, targetUserId, newRole);
        await audit.record(
          {
            action: 'member.role_changed',
            tenantId,
            actorUserId: actor.userId,
            actorEmail,
            target: { type: 'user', id: targetUserId },
            details: { via: origin.via, from: target.role, to: newRole },
          },
          origin.context,
          tx,
        );
        return 'changed';
      });
      // The new role applies at once here; other processes see it within LOCAL_CACHE_MS.
      if (result === 'changed') await tenants.refreshMembership(tenantId, targetUserId);
      return result;
    },

    /** Removes `targetUserId` from the workspace; they lose access at once. Not for oneself (see `leave`). */
    async removeMember(tenantId: string, actor: MemberActor, targetUserId: string, origin: ChangeOrigin): Promise<RemoveMemberResult> {
      if (!UUID_RE.test(targetUserId)) return 'not_found';
      const result = await deps.database.withTenant(tenantId, async (tx): Promise<RemoveMemberResult> => {
        const owners = await repo.lockOwners(tx);
        const target = await repo.lockMembership(tx, targetUserId);
        if (!target) return 'not_found';
        const self = targetUserId === actor.userId;
        const { role: current, email: actorEmail } = await actorNow(tx, actor);
        if (!self) {
          const catalog: RoleCatalog = await loadRoleCatalog(tx);
          const allowed = (role: string) => catalog.permissionsOf(role).has('members:remove') && canChangeMemberWith(catalog, role, target.role);
          if (current === undefined || !allowed(actor.role) || !allowed(current)) return 'not_allowed';
        }
        if (target.role === 'owner' && owners.filter((id) => id !== targetUserId).length === 0) return 'last_owner';
        if (self) return 'self';
        await repo.deleteMembership(tx, targetUserId);
        await audit.record(
          {
            action: 'member.removed',
            tenantId,
            actorUserId: actor.userId,
            actorEmail,
            target: { type: 'user', id: targetUserId },
            details: { via: origin.via, role: target.role },
          },
          origin.context,
          tx,
        );
        return 'removed';
      });
      if (result === 'removed') await tenants.refreshMembership(tenantId, targetUserId);
      return result;
    },

    /** The member leaves the workspace; the last owner cannot. */
    async leave(tenantId: string, userId: string, origin: ChangeOrigin, email?: string | null): Promise<LeaveResult> {
      if (!UUID_RE.test(userId)) return 'not_found';
      const result = await deps.database.withTenant(tenantId, async (tx): Promise<LeaveResult> => {
        const owners = await repo.lockOwners(tx);
        const membership = await repo.lockMembership(tx, userId);
        if (!membership) return 'not_found';
        if (membership.role === 'owner' && owners.filter((id) => id !== userId).length === 0) return 'last_owner';
        const { email: actorEmail } = await actorNow(tx, { userId, email });
        await repo.deleteMembership(tx, userId);
        await audit.record(
          {
            action: 'member.left',
            tenantId,
            actorUserId: userId,
            actorEmail,
            target: { type: 'user', id: userId },
            details: { via: origin.via, role: membership.role },
          },
          origin.context,
          tx,
        );
        return 'left';
      });
      if (result === 'left') await tenants.refreshMembership(tenantId, userId);
      return result;
    },
  };
}

export type MembersService = ReturnType<typeof createMembersService>;
