/** Built-in roles of a workspace member; what each may do is in permissions.ts. */
export const MEMBER_ROLES = ['owner', 'admin', 'member', 'billing', 'viewer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export function isMemberRole(role: string): role is MemberRole {
  return (MEMBER_ROLES as readonly string[]).includes(role);
}
