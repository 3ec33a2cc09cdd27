// Marketing email choices: the page an unsubscribe link opens (one button; mail clients can also
// POST to the same address in one click), and the preferences page of a signed-in person.
import { AuthCard, Layout } from '../../../platform/views/layout.js';
import { Alert, Button, CsrfField } from '../../../platform/views/components.js';

const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });

export function UnsubscribePage(props: { rootUrl: string; email: string; userId: string; token: string; state: 'ask' | 'done' | 'invalid' }) {
  if (props.state === 'invalid') {
    return (
      <Layout title="Link not valid" nav="marketing" rootUrl={props.rootUrl} noindex>
        <AuthCard title="This link is not valid">
          <p id="unsubscribe-invalid" class="text-sm">
            The unsubscribe link is incomplete or changed. Sign in and open <a class="link" href="/account/email-preferences">your email preferences</a> instead.
          </p>
        </AuthCard>
      </Layout>
    );
  }
  if (props.state === 'done') {
    return (
      <Layout title="Unsubscribed" nav="marketing" rootUrl={props.rootUrl} noindex>
        <AuthCard title="You are unsubscribed">
          <p id="unsubscribe-done" class="text-sm">
            <span class="font-medium text-zinc-900 dark:text-white">{props.email}</span> gets no more product news. Mail about your account (sign-in codes,
            invitations, receipts) still arrives.
          </p>
          <p class="mt-4 text-sm muted">
            Changed your mind? <a class="link" href="/account/email-preferences">Email preferences</a>
          </p>
        </AuthCard>
      </Layout>
    );
  }
  const action = `/email/unsubscribe?u=${encodeURIComponent(props.userId)}&t=${encodeURIComponent(props.token)}`;
  return (
    <Layout title="Unsubscribe" nav="marketing" rootUrl={props.rootUrl} noindex>
      <AuthCard title="Unsubscribe from product news?">
        <p class="text-sm">
          <span class="font-medium text-zinc-900 dark:text-white">{props.email}</span> will get no more product news. Mail about your account still arrives.
        </p>
        <form method="post" action={action} class="mt-6">
          <Button id="unsubscribe-button" type="submit" variant="primary" full>
            Unsubscribe
          </Button>
        </form>
      </AuthCard>
    </Layout>
  );
}

/** How a choice was made, in the person's words (the consent record keeps the source id). */
const SOURCE_WORDS: Record<string, string> = {
  signup: 'when you signed up',
  preferences: 'on this page',
  'unsubscribe-link': 'from the link in an email',
  'one-click': "with your mail app's unsubscribe button",
  cli: 'by our support team, at your request',
};

export function EmailPreferencesPage(props: {
  rootUrl: string;
  csrfToken: string;
  user: { name: string; email: string };
  /** The workspace of this host, for its navigation (null on the main site). */
  tenant?: { name: string; subdomain: string; logoUrl?: string | null } | null;
  role?: string;
  permissions?: ReadonlySet<string>;
  marketing: boolean;
  changedAt: Date | null;
  source: string | null;
  saved?: boolean;
}) {
  return (
    <Layout title="Email preferences" nav="app" active="account" csrfToken={props.csrfToken} user={props.user} tenant={props.tenant ?? null} role={props.role} permissions={props.permissions} rootUrl={props.rootUrl} noindex>
      <div class="container-page max-w-2xl py-8 sm:py-10">
        <nav class="text-sm muted" aria-label="Breadcrumb">
          <a class="link" href="/account">
            Account
          </a>{' '}
          / Email preferences
        </nav>
        <h1 class="page-title mt-2">Email preferences</h1>
        <p class="mt-1 text-sm muted">Mail about your account (sign-in codes, invitations, security notices, receipts) always arrives.</p>
        {props.saved ? (
          <Alert kind="success" id="preferences-saved" class="mt-6">
            Saved.
          </Alert>
        ) : null}
        <form id="email-preferences-form" method="post" action="/account/email-preferences" class="card card-body mt-8">
          <CsrfField token={props.csrfToken} />
          <input type="hidden" name="present" value="1" />
          <label for="marketing" class="flex items-start gap-3 text-sm">
            <input id="marketing" type="checkbox" name="marketing" value="1" checked={props.marketing} class="mt-0.5 size-4 shrink-0 rounded" />
            <span>
              <span class="block font-medium text-zinc-900 dark:text-white">Product news</span>
              <span class="block muted">New features and tips, about once a month. Every message has a one-click unsubscribe link.</span>
            </span>
          </label>
          {props.changedAt ? (
            <p id="consent-record" class="mt-4 text-xs muted">
              {props.marketing ? 'Subscribed' : 'Unsubscribed'} on {day.format(props.changedAt)}
              {props.source && SOURCE_WORDS[props.source] ? `, ${SOURCE_WORDS[props.source]}` : ''}.
            </p>
          ) : null}
          <div class="mt-6">
            <Button id="preferences-save" type="submit" variant="primary">
              Save
            </Button>
          </div>
        </form>
      </div>
    </Layout>
  );
}
