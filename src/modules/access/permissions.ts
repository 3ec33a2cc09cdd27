/**
 * What each role of a workspace may do: the permission list and the built-in roles' matrix, in one
 * place. Routes name the permission they need (`requirePermission`); nothing else decides access.
 * docs/permissions.md shows this matrix (a test keeps the two the same).
 */
import { MEMBER_ROLES, type MemberRole } from './roles.js';

export const PERMISSIONS = {
  'data:read': "See the workspace's data",
  'data:write': 'Create, change and delete data',
  'members:read': 'See who is in the workspace and their roles',
  'members:invite': 'Invite people to the workspace',
  'members:remove': 'Remove members',
  'roles:assign': "Define the workspace's roles and change members' roles",
  'billing:manage': 'Change the plan and payment details',
  'api_keys:manage': 'Create and revoke API keys',
  'webhooks:manage': 'Manage webhooks',
  'audit:read': 'Read the audit log',
  'tenant:manage': "Change the workspace's name, logo, address and security settings",
  'tenant:delete': 'Delete the workspace',
} as const;
export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

/** Routes open to every member whatever their role (the dashboard, leaving the workspace). */
export const ANY_MEMBER = 'any-member' as const;
export type RouteAccess = Permission | typeof ANY_MEMBER;

export const isPermission = (value: unknown): value is Permission => typeof value === 'string' && Object.hasOwn(PERMISSIONS, value);

export const ROLE_LABELS: Record<MemberRole, { name: string; description: string }> = {
  owner: { name: 'Owner', description: 'Everything, including deleting the workspace. A workspace always has at least one.' },
  admin: { name: 'Admin', description: 'Runs the workspace: members, roles, billing, keys, settings. Cannot delete it.' },
  member: { name: 'Member', description: 'Works with the data.' },
  billing: { name: 'Billing', description: 'Manages the plan and payments; reads the data.' },
  viewer: { name: 'Viewer', description: 'Reads the data.' },
};

const everything = ALL_PERMISSIONS;
export const ROLE_PERMISSIONS: Record<MemberRole, readonly Permission[]> = {
  owner: everything,
  admin: everything.filter((p) => p !== 'tenant:delete'),
  member: ['data:read', 'data:write', 'members:read'],
  billing: ['data:read', 'members:read', 'billing:manage'],
  viewer: ['data:read', 'members:read'],
};

const roleSets = new Map<string, ReadonlySet<Permission>>(MEMBER_ROLES.map((role) => [role, new Set(ROLE_PERMISSIONS[role])]));
const NONE: ReadonlySet<Permission> = new Set();

/** The permissions of a role; an unknown role has none (deny by default). */
export function permissionsOf(role: string): ReadonlySet<Permission> {
  return roleSets.get(role) ?? NONE;
}

export function roleCan(role: string, access: RouteAccess): boolean {
  if (access === ANY_MEMBER) return roleSets.has(role);
  return permissionsOf(role).has(access);
}

/** Whether `granterRole` may give built-in `role` (see RoleCatalog.canGrant, which also knows a workspace's own roles). */
export function canGrant(granterRole: string, role: string): boolean {
  if (!permissionsOf(granterRole).has('roles:assign') || !roleSets.has(role)) return false;
  const mine = permissionsOf(granterRole);
  return [...permissionsOf(role)].every((p) => mine.has(p));
}
