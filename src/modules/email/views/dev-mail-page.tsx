// The dev mail viewer (/dev/mail): what the dev outbox kept, newest first, and one message with its
// text part and its HTML part (framed from /dev/mail/:id/html, which runs no script and loads nothing).
import { Layout } from '../../../platform/views/layout.js';
import { Alert, Badge, Card, DataTable, EmptyState } from '../../../platform/views/components.js';

export interface DevMailItem {
  id: string;
  to: string;
  subject: string;
  sentAt: string;
  template: string | null;
}

const timeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });
const when = (iso: string) => {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : `${timeFormat.format(at)} UTC`;
};

function SmtpNotice() {
  return (
    <Alert kind="info" title="Mail goes to the SMTP server">
      SMTP_URL is set: messages are delivered by the SMTP server and not kept here. Look in the mailbox you send to, or unset SMTP_URL to use the dev outbox.
    </Alert>
  );
}

export function DevMailListPage(props: { items: DevMailItem[]; smtp: boolean; csrfToken?: string }) {
  return (
    <Layout title="Dev mail" nav="marketing" csrfToken={props.csrfToken} noindex>
      <div class="container-page py-10 sm:py-14">
        <div class="mb-6">
          <h1 class="text-2xl font-semibold tracking-tight text-zinc-900 dark:text-white">Dev mail</h1>
          <p class="mt-1 text-sm muted">Every email the app sent from this machine, newest first. Nothing here left it: this page exists only outside production.</p>
        </div>
        {props.smtp ? (
          <SmtpNotice />
        ) : (
          <Card padded={false} title="Outbox" titleId="dev-mail-title" description={`${props.items.length} ${props.items.length === 1 ? 'message' : 'messages'}`}>
            {props.items.length === 0 ? (
              <EmptyState icon="inbox" title="No mail yet" description="Sign up, invite someone or ask for a password reset: the email appears here." />
            ) : (
              <DataTable
                labelledBy="dev-mail-title"
                columns={[
                  { label: 'Subject' },
                  { label: 'To', class: 'hidden md:table-cell' },
                  { label: 'Sent', class: 'hidden sm:table-cell' },
                ]}
              >
                {props.items.map((m) => (
                  <tr class="dev-mail-item">
                    <td>
                      <a class="link font-medium break-words" href={`/dev/mail/${m.id}`}>
                        {m.subject}
                      </a>
                      <div class="mt-0.5 flex flex-wrap items-center gap-2 text-xs muted">
                        {m.template ? <Badge tone="brand">{m.template}</Badge> : null}
                        <span class="break-all md:hidden">{m.to}</span>
                        <time class="sm:hidden" datetime={m.sentAt}>
                          {when(m.sentAt)}
                        </time>
                      </div>
                    </td>
                    <td class="hidden text-sm break-all md:table-cell">{m.to}</td>
                    <td class="hidden whitespace-nowrap text-sm muted sm:table-cell">
                      <time datetime={m.sentAt}>{when(m.sentAt)}</time>
                    </td>
                  </tr>
                ))}
              </DataTable>
            )}
          </Card>
        )}
      </div>
    </Layout>
  );
}

export function DevMailMessagePage(props: { item: DevMailItem; from: string; text: string; headers: Record<string, string>; csrfToken?: string }) {
  const { item } = props;
  return (
    <Layout title={`Dev mail: ${item.subject}`} nav="marketing" csrfToken={props.csrfToken} noindex>
      <div class="container-page py-10 sm:py-14">
        <p class="mb-4 text-sm">
          <a class="link" href="/dev/mail">
            ← All mail
          </a>
        </p>
        <h1 class="text-xl font-semibold tracking-tight break-words text-zinc-900 sm:text-2xl dark:text-white">{item.subject}</h1>
        <dl class="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt class="muted">From</dt>
          <dd class="break-all">{props.from}</dd>
          <dt class="muted">To</dt>
          <dd class="break-all">{item.to}</dd>
          <dt class="muted">Sent</dt>
          <dd>
            <time datetime={item.sentAt}>{when(item.sentAt)}</time>
          </dd>
          {item.template ? (
            <>
              <dt class="muted">Template</dt>
              <dd>
                <Badge tone="brand">{item.template}</Badge>
              </dd>
            </>
          ) : null}
          {Object.entries(props.headers).map(([name, value]) => (
            <>
              <dt class="muted">{name}</dt>
              <dd class="break-all">
                <code>{value}</code>
              </dd>
            </>
          ))}
        </dl>
        <div class="mt-8 grid gap-6 lg:grid-cols-2">
          <Card title="HTML part" titleId="html-part" padded={false} actions={<a class="link text-sm" href={`/dev/mail/${item.id}/html`}>Open alone</a>}>
            <iframe
              class="block h-[36rem] w-full rounded-b-lg bg-white"
              title={`HTML part of "${item.subject}"`}
              src={`/dev/mail/${item.id}/html`}
              sandbox=""
              referrerpolicy="no-referrer"
            ></iframe>
          </Card>
          <Card title="Text part" titleId="text-part">
            <pre class="dev-mail-text overflow-x-auto text-sm leading-6 whitespace-pre-wrap break-words">{props.text}</pre>
          </Card>
        </div>
      </div>
    </Layout>
  );
}
