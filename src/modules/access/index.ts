/** Access control inside a workspace: roles, permissions and the matrix between them. */
/** Built-in roles. */
export { MEMBER_ROLES, isMemberRole, type MemberRole } from './roles.js';
/** The permission list, the built-in roles' matrix, and the grant rule (nobody grants above their own role). */
export {
  ALL_PERMISSIONS,
  ANY_MEMBER,
  canGrant,
  isPermission,
  PERMISSIONS,
  permissionsOf,
  ROLE_LABELS,
  ROLE_PERMISSIONS,
  roleCan,
  type Permission,
  type RouteAccess,
} from './permissions.js';
/** A workspace's roles (built-in and its own), and the grant rule over them. */
export {
  BUILT_IN_CATALOG,
  createRoleCatalog,
  CUSTOM_ROLE_PERMISSIONS,
  CUSTOM_ROLE_PREFIX,
  isCustomRoleKey,
  type CatalogRole,
  type CustomRoleDefinition,
  type RoleCatalog,
} from './role-catalog.js';
/** The route guard (`requirePermission`) and the guard sets tenant routes use. */
export { requirePermission, type PermissionGuard, type TenantRouteGuards, type TenantRouteOptions } from './require-permission.js';
