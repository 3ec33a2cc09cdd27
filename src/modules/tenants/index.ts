/** Tenants: sign-up, the tenant directory, memberships, Host -> tenant resolution. */
/** The TenantManager service: signUp, createTenant, getTenantBySubdomain, getTenantDb, memberships. */
export { createTenantsService, type TenantsService, type Tenant, type SignUpInput } from './tenants.service.js';
/** Host resolution (`resolveSite`) and the membership guard (`requireMember`). */
export { createTenantGuards, subdomainOf, type TenantGuards } from './tenants.guards.js';
/** Subdomain rules. */
export { checkSubdomain, suggestSubdomain, RESERVED_SUBDOMAINS } from './subdomains.js';
/** Sign-up page and tenants API. */
export { tenantsRoutes } from './tenants.routes.js';
/** Browser login, logout, hand-off and workspace chooser. */
export { sessionRoutes } from './session.routes.js';
/** Built-in member roles. */
export { MEMBER_ROLES, isMemberRole, type MemberRole } from './roles.js';
