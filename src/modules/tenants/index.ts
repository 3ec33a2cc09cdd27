/** Tenants: sign-up, the tenant directory, memberships, Host -> tenant resolution. */
/** The TenantManager service: signUp, createTenant, getTenantBySubdomain, getTenantDb, memberships. */
export { createTenantsService, type TenantsService, type Tenant, type SignUpInput } from './tenants.service.js';
/** Members of a workspace: list, change role, remove, leave (with the grant and last-owner rules). */
export { createMembersService, type MembersService, type Member, type MemberActor } from './members.service.js';
/** A workspace's own roles (define, edit, delete within one's own permissions), and their page and API. */
export { createRolesService, type RolesService, type WorkspaceRole } from './roles.service.js';
export { rolesRoutes } from './roles.routes.js';
/** The members page (/settings/members) and API (/api/members). */
export { membersRoutes } from './members.routes.js';
/** Invitations by email: invite, resend, revoke, list, and accept (as a signed-in or a new user), bound to the invited address. */
export { createInvitationsService, type InvitationsService, type Invitation } from './invitations.service.js';
/** The invitation forms of the members page, `/api/invitations`, and the public `/invitations/accept` page. */
export { invitationsRoutes, INVITATION_THROTTLE_RULES } from './invitations.routes.js';
/** Host resolution (`resolveSite`) and the membership guard (`requireMember`). */
export { createTenantGuards, subdomainOf, type TenantGuards } from './tenants.guards.js';
/** Subdomain rules. */
export { checkSubdomain, suggestSubdomain, RESERVED_SUBDOMAINS } from './subdomains.js';
/** Sign-up page and tenants API. */
export { tenantsRoutes } from './tenants.routes.js';
/** Browser login, logout, hand-off and workspace chooser. */
export { sessionRoutes } from './session.routes.js';
/** The login page as every sign-in route shows it (with the provider buttons), for routes of other modules too (passkeys). */
export { createLoginPage, type ShowLogin } from './login-page.js';
/** Built-in member roles. */
export { MEMBER_ROLES, isMemberRole, type MemberRole } from '../access/index.js';
/** The last step of every browser sign-in: membership on a tenant's host, second factor, where to go next. */
export { createSignInCompletion, type SignInCompletion } from './sign-in-completion.js';
/** The workspace settings page (name, the MFA requirement). */
export { settingsRoutes } from './settings.routes.js';
/** A workspace's address: changing its subdomain, and the 30-day redirect of the old one (the Host lookup's `findMove`). */
export { createAddressService, type AddressService, REDIRECT_DAYS } from './address.service.js';
/** A workspace's logo: PNG, JPEG or WebP checked by its bytes, stored per workspace, served at `/logo`. */
export { createLogoService, type LogoService, logoUrlOf } from './logo.service.js';
/** Custom domains: claim a hostname, prove control with a DNS TXT record, then serve the workspace there. */
export { createDomainsService, checkHostname, type DomainsService, type CustomDomain } from './domains.service.js';
/** The custom domains page (/settings/domains), `/api/domains`, and the reverse proxy's certificate check. */
export { domainsRoutes } from './domains.routes.js';
/** The `domains.verify` and `domains.verify_pending` jobs. */
export { createDomainsJobs } from './domains.jobs.js';
