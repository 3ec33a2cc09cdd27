/**
 * A workspace's own roles, made from the permission list (docs/permissions.md). The grant rule
 * covers them too: nobody defines or edits a role with a permission they do not hold, nor gives one
 * above their own. Editing a role's permissions applies to its members at once (the catalog cache
 * is written through). A role held by a member or an open invitation cannot be deleted.
 */
import { UUID_RE } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError, notFound, validationFailed } from '../../platform/errors.js';
import { uniqueViolation } from '../../platform/db/errors.js';
import { CUSTOM_ROLE_PERMISSIONS, CUSTOM_ROLE_PREFIX, MEMBER_ROLES, ROLE_LABELS, type CatalogRole, type Permission } from '../access/index.js';
import type { AuditService } from '../audit/index.js';
import type { MemberActor } from './members.service.js';
import { createRolesRepository, type TenantRoleRow } from './roles.repository.js';
import { createTenantsRepository } from './tenants.repository.js';
import { loadRoleCatalog, type ChangeOrigin, type TenantsService } from './tenants.service.js';

/** A workspace keeps its list of roles short enough to choose from. */
export const MAX_CUSTOM_ROLES = 20;

export interface RoleInput {
  name: string;
  description?: string;
  permissions: string[];
}

export interface WorkspaceRole extends Omit<CatalogRole, 'permissions'> {
  permissions: Permission[];
  members: number;
}

const BUILT_IN_NAMES = new Set(MEMBER_ROLES.flatMap((r) => [r, ROLE_LABELS[r].name.toLowerCase()]));

/** `custom:` + a slug of the name: "Support lead" -> `custom:support-lead`. */
export function roleKeyFor(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${CUSTOM_ROLE_PREFIX}${slug || 'role'}`;
}

function checkRoleInput(input: RoleInput): { name: string; description: string; permissions: Permission[] } {
  const errors: Record<string, string> = {};
  const name = input.name.trim().replace(/\s+/g, ' ');
  const description = (input.description ?? '').trim();
  if (!name) errors.name = 'Enter a name for the role';
  else if (name.length > 50) errors.name = 'Use at most 50 characters';
  else if (BUILT_IN_NAMES.has(name.toLowerCase())) errors.name = 'A built-in role has this name; pick another';
  if (description.length > 200) errors.description = 'Use at most 200 characters';
  const unknown = input.permissions.filter((p) => !(CUSTOM_ROLE_PERMISSIONS as string[]).includes(p));
  if (unknown.length) errors.permissions = `Unknown or not allowed in a custom role: ${unknown.join(', ')}. Choose from: ${CUSTOM_ROLE_PERMISSIONS.join(', ')}`;
  else if (input.permissions.length === 0) errors.permissions = 'Choose at least one permission';
  if (Object.keys(errors).length) throw validationFailed(errors);
  // In the list's order, once each.
  const permissions = CUSTOM_ROLE_PERMISSIONS.filter((p) => input.permissions.includes(p));
  return { name, description, permissions };
}

export function createRolesService(deps: Pick<Deps, 'database'>, tenants: Pick<TenantsService, 'refreshRoleCatalog'>, audit: AuditService) {
  const repo = createRolesRepository();
  const members = createTenantsRepository(deps.database.db);

  const aboveYou = () => new AppError('forbidden', 'You can only give a role permissions you have yourself.');

  /** The actor's committed role and email (undefined role: no longer a member). */
  async function actorNow(tx: Parameters<typeof members.listMembersWithUsers>[0], actor: MemberActor) {
    const [row] = await members.listMembersWithUsers(tx, actor.userId);
    return { role: row?.role, email: actor.email || row?.email || null };
  }

  const service = {
    /** Built-in roles then the workspace's own, each with how many members hold it. */
    async listRoles(tenantId: string): Promise<WorkspaceRole[]> {
      return deps.database.withTenant(tenantId, async (tx) => {
        const [catalog, counts] = await Promise.all([loadRoleCatalog(tx), repo.memberCounts(tx)]);
        return catalog.roles.map((r) => ({ ...r, permissions: [...r.permissions], members: counts.get(r.key) ?? 0 }));
      });
    },

    /** One of the workspace's own roles by id, or null (also for a malformed id). */
    async getRole(tenantId: string, roleId: string): Promise<WorkspaceRole | null> {
      if (!UUID_RE.test(roleId)) return null;
      return (await service.listRoles(tenantId)).find((r) => r.id === roleId) ?? null;
    },

    async createRole(tenantId: string, actor: MemberActor, input: RoleInput, origin: ChangeOrigin): Promise<WorkspaceRole> {
      const role = checkRoleInput(input);
      let row: TenantRoleRow;
      try {
        row = await deps.database.withTenant(tenantId, async (tx) => {
          const catalog = await loadRoleCatalog(tx);
          const me = await actorNow(tx, actor);
          if (me.role === undefined || !catalog.coversPermissions(actor.role, role.permissions) || !catalog.coversPermissions(me.role, role.permissions)) throw aboveYou();
          const custom = catalog.roles.filter((r) => !r.builtIn);
          if (custom.length >= MAX_CUSTOM_ROLES) throw new AppError('conflict', `A workspace can have at most ${MAX_CUSTOM_ROLES} roles of its own; delete one first.`);
          if (custom.some((r) => r.name.toLowerCase() === role.name.toLowerCase())) throw validationFailed({ name: 'A role with this name exists' });
          // Names that slug alike ("Support lead", "support-lead!") get a numbered key.
          const base = roleKeyFor(role.name);
          let key = base;
          for (let n = 2; catalog.has(key); n++) key = `${base}-${n}`;
          const created = await repo.insert(tx, { key, ...role });
          await audit.record(
            {
              action: 'role.created',
              tenantId,
              actorUserId: actor.userId,
              actorEmail: me.email,
              target: { type: 'role', id: created.id },
              details: { via: origin.via, key, name: role.name, permissions: role.permissions.join(' ') },
            },
            origin.context,
            tx,
          );
          return created;
        });
      } catch (err) {
        if (uniqueViolation(err)) throw new AppError('conflict', 'A role with this name was created a moment ago. Reload the page.');
        throw err;
      }
      await tenants.refreshRoleCatalog(tenantId);
      return { key: row.key, name: row.name, description: row.description, builtIn: false, id: row.id, permissions: role.permissions, members: 0 };
    },

    /** Changes a role's name, description and permissions; its members get the new permissions at once. */
    async updateRole(tenantId: string, actor: MemberActor, roleId: string, input: RoleInput, origin: ChangeOrigin): Promise<WorkspaceRole> {
      if (!UUID_RE.test(roleId)) throw notFound('Role');
      const role = checkRoleInput(input);
      await deps.database.withTenant(tenantId, async (tx) => {
        const current = await repo.lockById(tx, roleId);
        if (!current) throw notFound('Role');
        const catalog = await loadRoleCatalog(tx);
        const me = await actorNow(tx, actor);
        // Both what the role could do and what it will do must be within the editor's reach.
        const within = (r: string | undefined) => r !== undefined && catalog.coversPermissions(r, role.permissions) && catalog.coversPermissions(r, catalog.permissionsOf(current.key));
        if (!within(actor.role) || !within(me.role)) throw aboveYou();
        if (catalog.roles.some((r) => !r.builtIn && r.id !== roleId && r.name.toLowerCase() === role.name.toLowerCase())) throw validationFailed({ name: 'A role with this name exists' });
        await repo.update(tx, roleId, role);
        await audit.record(
          {
            action: 'role.updated',
            tenantId,
            actorUserId: actor.userId,
            actorEmail: me.email,
            target: { type: 'role', id: roleId },
            details: { via: origin.via, key: current.key, name: role.name, from: current.permissions.join(' '), to: role.permissions.join(' ') },
          },
          origin.context,
          tx,
        );
      });
      await tenants.refreshRoleCatalog(tenantId);
      const updated = await service.getRole(tenantId, roleId);
      if (!updated) throw notFound('Role');
      return updated;
    },

    /** Deletes a role nobody holds (members and open invitations count). */
    async deleteRole(tenantId: string, actor: MemberActor, roleId: string, origin: ChangeOrigin): Promise<void> {
      if (!UUID_RE.test(roleId)) throw notFound('Role');
      await deps.database.withTenant(tenantId, async (tx) => {
        // Locked first: giving the role to someone waits for this (and is then refused), or this waits for it.
        const current = await repo.lockById(tx, roleId);
        if (!current) throw notFound('Role');
        const catalog = await loadRoleCatalog(tx);
        const me = await actorNow(tx, actor);
        const within = (r: string | undefined) => r !== undefined && catalog.coversPermissions(r, catalog.permissionsOf(current.key));
        if (!within(actor.role) || !within(me.role)) throw aboveYou();
        const holders = await repo.holders(tx, current.key);
        if (holders.members || holders.invitations) {
          const parts = [
            holders.members ? `${holders.members} member${holders.members === 1 ? '' : 's'}` : '',
            holders.invitations ? `${holders.invitations} open invitation${holders.invitations === 1 ? '' : 's'}` : '',
          ].filter(Boolean);
          throw new AppError('conflict', `${parts.join(' and ')} ${holders.members + holders.invitations === 1 ? 'has' : 'have'} this role. Give them another role first.`);
        }
        await repo.delete(tx, roleId);
        await audit.record(
          {
            action: 'role.deleted',
            tenantId,
            actorUserId: actor.userId,
            actorEmail: me.email,
            target: { type: 'role', id: roleId },
            details: { via: origin.via, key: current.key, name: current.name, permissions: current.permissions.join(' ') },
          },
          origin.context,
          tx,
        );
      });
      await tenants.refreshRoleCatalog(tenantId);
    },
  };
  return service;
}

export type RolesService = ReturnType<typeof createRolesService>;
