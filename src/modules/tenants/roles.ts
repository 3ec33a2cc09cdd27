/** Built-in roles of a tenant member (the permission matrix comes with RBAC). */
export const MEMBER_ROLES = ['owner', 'admin', 'member', 'billing', 'viewer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export function isMemberRole(role: string): role is MemberRole {
  return (MEMBER_ROLES as readonly string[]).includes(role);
}
