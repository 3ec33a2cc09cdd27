/**
 * Every security event the app records, in one place: the action names stored in `audit_events`, and
 * what the audit page shows for them. Add an action here before recording it.
 */
export const AUDIT_ACTIONS = {
  'auth.signup': 'Signed up',
  'auth.login': 'Signed in',
  'auth.login.throttled': 'Sign-in refused: too many attempts',
  'auth.token': 'API token issued for a password',
  'auth.token.reuse': 'Refresh token used twice: session ended',
  'auth.logout': 'Signed out',
  'auth.session.revoked': 'Session ended',
  'auth.password.reset_requested': 'Password reset requested',
  'auth.password.reset': 'Password reset with an emailed link',
  'auth.password.reset.throttled': 'Password reset refused: too many attempts',
  'auth.password.changed': 'Password changed',
  'auth.email.verification_sent': 'Email confirmation link sent',
  'auth.email.verified': 'Email address confirmed',
  'auth.email.change_requested': 'Change of email address asked for',
  'auth.email.changed': 'Email address changed',
  'auth.account.deleted': 'Account deleted',
  'auth.oauth.linked': 'Sign-in provider linked',
  'auth.oauth.unlinked': 'Sign-in provider unlinked',
  'auth.oauth.refused': 'Sign-in with a provider refused',
  'auth.passkey.added': 'Passkey added',
  'auth.passkey.renamed': 'Passkey renamed',
  'auth.passkey.removed': 'Passkey removed',
  'auth.mfa.enabled': 'Two-factor authentication turned on',
  'auth.mfa.disabled': 'Two-factor authentication turned off',
  'auth.mfa.backup_codes_regenerated': 'New backup codes made',
  'auth.mfa.verified': 'Second factor given at sign-in',
  'auth.mfa.failed': 'Wrong second-factor code at sign-in',
  'auth.mfa.email_code_sent': 'Sign-in code sent by email',
  'auth.mfa.sms_code_sent': 'Sign-in code sent by text message',
  'auth.mfa.sms_code_throttled': 'Text message refused: too many sent',
  'auth.mfa.sms_phone_added': 'Phone number added for text messages (code sent)',
  'auth.mfa.sms_phone_verified': 'Phone number confirmed for text messages',
  'auth.mfa.sms_phone_failed': 'Wrong code for a new phone number',
  'auth.mfa.sms_phone_removed': 'Phone number for text messages removed',
  'tenant.created': 'Workspace created',
  'tenant.renamed': 'Workspace renamed',
  'tenant.suspended': 'Workspace suspended by an operator',
  'tenant.reactivated': 'Workspace reactivated by an operator',
  'tenant.mfa_requirement_changed': 'Two-factor requirement for members changed',
  'member.role_changed': "Member's role changed",
  'member.removed': 'Member removed from the workspace',
  'member.left': 'Member left the workspace',
  'member.invited': 'Invitation to join the workspace sent',
  'member.invitation_resent': 'Invitation sent again (new link)',
  'member.invitation_revoked': 'Invitation revoked',
  'member.joined': 'Joined the workspace with an invitation',
  'admin.user.created': 'Account created by an operator',
  'admin.user.super_admin_granted': 'Super admin rights granted by an operator',
  'admin.user.disabled': 'Account disabled by an operator',
  'admin.user.enabled': 'Account enabled by an operator',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
export type AuditOutcome = 'success' | 'failure' | 'denied';
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'failure', 'denied'];

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, value);
}
