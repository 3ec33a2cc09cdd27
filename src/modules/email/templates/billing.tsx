/** Emails about a workspace's plan and usage: the monthly usage report, plan changes, failed payments. */
import { ActionButton, P, UsageBar } from './layout.js';
import { defineEmailTemplate, oneLine, paragraphs } from './define.js';

const BILLING_REASON = (workspaceName: string, appName: string) => `You got this email because you manage billing for the workspace ${oneLine(workspaceName)} on ${appName}.`;

/** A count against its plan limit (null: no limit). */
export interface UsageFigure {
  used: number;
  limit: number | null;
}

const usageLine = (label: string, f: UsageFigure) =>
  f.limit === null ? `${label}: ${f.used} (no limit)` : `${label}: ${f.used} of ${f.limit} (${f.limit > 0 ? Math.round((f.used / f.limit) * 100) : 0}%)`;

export const usageReportEmail = defineEmailTemplate<{ workspaceName: string; month: string; planName: string; members: UsageFigure; dataItems: UsageFigure; workspaceUrl: string }>({
  id: 'usage-report',
  subject: (c, env) => `${oneLine(c.workspaceName)}: your usage for ${oneLine(c.month, 30)} on ${env.appName}`,
  preheader: (c) => `${c.members.used} members and ${c.dataItems.used} data items in ${oneLine(c.month, 30)}.`,
  reason: (c, env) => `You got this email because you are an owner of the workspace ${oneLine(c.workspaceName)} on ${env.appName}; it comes once a month.`,
  html: (c) => (
    <>
      <P>Hello,</P>
      <P>
        Here is how <strong>{oneLine(c.workspaceName)}</strong> used its {oneLine(c.planName)} plan in {oneLine(c.month, 30)}:
      </P>
      <UsageBar label="Members" used={c.members.used} limit={c.members.limit} />
      <UsageBar label="Data items" used={c.dataItems.used} limit={c.dataItems.limit} />
      <ActionButton href={c.workspaceUrl} label="Open the dashboard" />
    </>
  ),
  text: (c) =>
    paragraphs(
      'Hello,',
      `Here is how ${oneLine(c.workspaceName)} used its ${oneLine(c.planName)} plan in ${oneLine(c.month, 30)}:`,
      [usageLine('Members', c.members), usageLine('Data items', c.dataItems)].join('\n'),
      `Open the dashboard: ${c.workspaceUrl}`,
    ),
});

export const planChangedEmail = defineEmailTemplate<{ workspaceName: string; fromPlan: string; toPlan: string; changedBy: string; billingUrl: string }>({
  id: 'plan-changed',
  subject: (c, env) => `${oneLine(c.workspaceName)} is now on the ${oneLine(c.toPlan, 40)} plan on ${env.appName}`,
  preheader: (c) => `From ${oneLine(c.fromPlan, 40)} to ${oneLine(c.toPlan, 40)}.`,
  reason: (c, env) => BILLING_REASON(c.workspaceName, env.appName),
  html: (c) => (
    <>
      <P>Hello,</P>
      <P>
        {oneLine(c.changedBy) || 'An owner'} moved <strong>{oneLine(c.workspaceName)}</strong> from the {oneLine(c.fromPlan, 40)} plan to the {oneLine(c.toPlan, 40)} plan. The
        new limits apply now.
      </P>
      <ActionButton href={c.billingUrl} label="See the plan" />
    </>
  ),
  text: (c) =>
    paragraphs(
      'Hello,',
      `${oneLine(c.changedBy) || 'An owner'} moved ${oneLine(c.workspaceName)} from the ${oneLine(c.fromPlan, 40)} plan to the ${oneLine(c.toPlan, 40)} plan. The new limits apply now.`,
      `See the plan: ${c.billingUrl}`,
    ),
});

export const paymentFailedEmail = defineEmailTemplate<{ workspaceName: string; amount: string; retryOn: string | null; billingUrl: string }>({
  id: 'payment-failed',
  subject: (c, env) => `Payment failed for ${oneLine(c.workspaceName)} on ${env.appName}`,
  preheader: (c) => `We could not take ${oneLine(c.amount, 30)}. Update the payment method to keep the workspace open.`,
  reason: (c, env) => BILLING_REASON(c.workspaceName, env.appName),
  html: (c) => (
    <>
      <P>Hello,</P>
      <P>
        We could not take the payment of {oneLine(c.amount, 30)} for <strong>{oneLine(c.workspaceName)}</strong>.{' '}
        {c.retryOn ? `We will try again on ${oneLine(c.retryOn, 40)}.` : 'We will not try again by ourselves.'}
      </P>
      <P>Update the payment method to keep the workspace and its data open to your team.</P>
      <ActionButton href={c.billingUrl} label="Update the payment method" />
    </>
  ),
  text: (c) =>
    paragraphs(
      'Hello,',
      `We could not take the payment of ${oneLine(c.amount, 30)} for ${oneLine(c.workspaceName)}. ${c.retryOn ? `We will try again on ${oneLine(c.retryOn, 40)}.` : 'We will not try again by ourselves.'}`,
      'Update the payment method to keep the workspace and its data open to your team.',
      `Update the payment method: ${c.billingUrl}`,
    ),
});
