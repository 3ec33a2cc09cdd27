/**
 * The roles of one workspace: the five built-in roles plus the ones the workspace defined from the
 * permission list (`custom:<slug>`). Everything that asks "what may this role do" or "may this
 * member give that role" in a workspace asks its catalog, so custom roles follow the same rules.
 */
import { isPermission, PERMISSIONS, ROLE_LABELS, ROLE_PERMISSIONS, type Permission } from './permissions.js';
import { isMemberRole, MEMBER_ROLES } from './roles.js';

/** What memberships and invitations hold for a workspace-defined role. */
export const CUSTOM_ROLE_PREFIX = 'custom:';
export const isCustomRoleKey = (role: string) => role.startsWith(CUSTOM_ROLE_PREFIX);

/**
 * Permissions a custom role may hold: all but deleting the workspace, which stays with owners (the
 * role the last-owner rule protects).
 */
export const CUSTOM_ROLE_PERMISSIONS = (Object.keys(PERMISSIONS) as Permission[]).filter((p) => p !== 'tenant:delete');

/** A workspace-defined role, as stored. */
export interface CustomRoleDefinition {
  id: string;
  key: string;
  name: string;
  description: string;
  /** Unknown names (a permission removed from the code) are ignored: deny by default. */
  permissions: readonly string[];
}

export interface CatalogRole {
  key: string;
  name: string;
  description: string;
  builtIn: boolean;
  /** The stored id of a custom role; null for built-in ones. */
  id: string | null;
  permissions: ReadonlySet<Permission>;
}

export interface RoleCatalog {
  /** Built-in roles first (most powerful first), then custom ones by name. */
  readonly roles: readonly CatalogRole[];
  has(role: string): boolean;
  get(role: string): CatalogRole | undefined;
  /** A role's permissions; an unknown role has none. */
  permissionsOf(role: string): ReadonlySet<Permission>;
  /** The name people see: "Admin", or a custom role's name; an unknown key as is. */
  label(role: string): string;
  /**
   * Whether someone with `granterRole` may give `role` (or change, remove or re-invite someone who
   * has it): they need `roles:assign` and every permission of `role`. Nobody grants above their own.
   */
  canGrant(granterRole: string, role: string): boolean;
  /** Whether a role holding `granter` permissions may give a role made of `permissions` (defining or editing a custom role). */
  coversPermissions(granterRole: string, permissions: Iterable<string>): boolean;
}

const builtInRoles: CatalogRole[] = MEMBER_ROLES.map((role) => ({
  key: role,
  name: ROLE_LABELS[role].name,
  description: ROLE_LABELS[role].description,
  builtIn: true,
  id: null,
  permissions: new Set(ROLE_PERMISSIONS[role]),
}));
const NONE: ReadonlySet<Permission> = new Set();

export function createRoleCatalog(custom: readonly CustomRoleDefinition[] = []): RoleCatalog {
  const customRoles: CatalogRole[] = custom
    .filter((r) => isCustomRoleKey(r.key))
    .map((r) => ({
      key: r.key,
      name: r.name,
      description: r.description,
      builtIn: false,
      id: r.id,
      permissions: new Set(r.permissions.filter((p): p is Permission => isPermission(p) && p !== 'tenant:delete')),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const roles = [...builtInRoles, ...customRoles];
  const byKey = new Map(roles.map((r) => [r.key, r]));
  const permissionsOf = (role: string) => byKey.get(role)?.permissions ?? NONE;
  const coversPermissions = (granterRole: string, permissions: Iterable<string>) => {
    const mine = permissionsOf(granterRole);
    if (!mine.has('roles:assign')) return false;
    for (const p of permissions) if (!mine.has(p as Permission)) return false;
    return true;
  };
  return {
    roles,
    has: (role) => byKey.has(role),
    get: (role) => byKey.get(role),
    permissionsOf,
    label: (role) => byKey.get(role)?.name ?? (isMemberRole(role) ? ROLE_LABELS[role].name : role),
    canGrant: (granterRole, role) => byKey.has(role) && coversPermissions(granterRole, permissionsOf(role)),
    coversPermissions,
  };
}

/** The catalog of a workspace that defined no roles of its own. */
export const BUILT_IN_CATALOG = createRoleCatalog();
