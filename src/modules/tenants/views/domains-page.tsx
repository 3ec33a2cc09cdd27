// The workspace's custom domains (permission tenant:manage): add one, see the DNS records it needs and
// its state, check it now, remove it. Plain forms: works without JavaScript; removing asks first (a <details>).
import { AppLayout, type AppPageContext } from '../../../platform/views/layout.js';
import { Alert, Badge, Button, Card, CsrfField, EmptyState, Icon, TextField } from '../../../platform/views/components.js';
import type { CustomDomain } from '../domains.service.js';

export interface DomainsPageProps extends AppPageContext {
  domains: CustomDomain[];
  maxDomains: number;
  hostnameValue?: string;
  hostnameError?: string;
  /** What went wrong with the last action (shown above the list). */
  error?: string;
}

const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const at = (date: Date) => (
  <time datetime={date.toISOString()}>
    {when.format(date)} UTC
  </time>
);

function StateLine(props: { domain: CustomDomain }) {
  const { domain } = props;
  if (domain.state === 'verified') {
    return (
      <p class="flex flex-wrap items-center gap-2 text-sm">
        <Badge tone="success">Verified</Badge>
        <span class="muted">Serving this workspace since {at(domain.verifiedAt!)}.</span>
      </p>
    );
  }
  if (domain.state === 'failed') {
    return (
      <div class="text-sm">
        <p class="flex flex-wrap items-center gap-2">
          <Badge tone="danger">Check failed</Badge>
          {domain.lastCheckedAt ? <span class="muted">Last checked {at(domain.lastCheckedAt)}.</span> : null}
        </p>
        <p class="domain-error mt-2 text-red-700 dark:text-red-400">{domain.lastError}</p>
      </div>
    );
  }
  return (
    <p class="flex flex-wrap items-center gap-2 text-sm">
      <Badge tone="warning">Pending verification</Badge>
      <span class="muted">{domain.lastCheckedAt ? <>Last checked {at(domain.lastCheckedAt)}.</> : 'Not checked yet: the first check runs in a moment.'}</span>
    </p>
  );
}

function Records(props: { domain: CustomDomain }) {
  const { txt, cname } = props.domain.records;
  const rows: [string, string, string, string][] = [
    ['TXT', txt.name, txt.value, 'Proves you control the domain.'],
    ['CNAME', cname.name, cname.target, 'Sends visitors to this workspace.'],
  ];
  return (
    <ul class="mt-3 grid gap-3" aria-label={`DNS records for ${props.domain.hostname}`}>
      {rows.map(([type, name, value, why]) => (
        <li class="rounded-lg border border-zinc-200 p-3 dark:border-white/10">
          <p class="flex flex-wrap items-center gap-2 text-xs muted">
            <Badge>{type}</Badge>
            <span>{why}</span>
          </p>
          <dl class="mt-2 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[4rem_1fr]">
            <dt class="muted">Name</dt>
            <dd class="min-w-0">
              <code class="text-xs [overflow-wrap:anywhere]">{name}</code>
            </dd>
            <dt class="mt-1 muted sm:mt-0">Value</dt>
            <dd class="min-w-0">
              <code class="text-xs select-all [overflow-wrap:anywhere]">{value}</code>
            </dd>
          </dl>
        </li>
      ))}
    </ul>
  );
}

function DomainCard(props: { domain: CustomDomain; csrfToken: string }) {
  const { domain } = props;
  return (
    <Card as="article" class="domain mt-4" padded={true}>
      <div id={`domain-${domain.id}`} class="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div class="min-w-0">
          <h3 class="flex min-w-0 items-center gap-2 font-semibold break-words text-zinc-900 dark:text-white">
            <Icon name="globe" class="size-4 shrink-0 muted" />
            <span class="min-w-0">{domain.hostname}</span>
          </h3>
          <div class="mt-2">
            <StateLine domain={domain} />
          </div>
        </div>
        <div class="flex shrink-0 items-start gap-2">
          {domain.state !== 'verified' ? (
            <form method="post" action={`/settings/domains/${domain.id}/verify`}>
              <CsrfField token={props.csrfToken} />
              <Button type="submit" variant="secondary" size="sm" attrs={{ 'aria-label': `Check ${domain.hostname} now` }}>
                Check now
              </Button>
            </form>
          ) : null}
          <details class="inline-block text-left">
            <summary class="btn btn-danger-ghost btn-sm cursor-pointer list-none [&::-webkit-details-marker]:hidden" aria-label={`Remove ${domain.hostname}`}>
              <Icon name="trash" class="size-3.5" />
              <span>Remove</span>
            </summary>
            <div class="mt-2 w-56 rounded-lg border border-zinc-200 p-3 text-sm whitespace-normal dark:border-white/10">
              <p>{domain.state === 'verified' ? 'The domain stops leading to this workspace at once.' : 'The claim and its records are forgotten.'}</p>
              <form method="post" action={`/settings/domains/${domain.id}/remove`} class="mt-2">
                <CsrfField token={props.csrfToken} />
                <Button type="submit" variant="danger" size="sm">
                  Remove {domain.hostname.length > 24 ? 'domain' : domain.hostname}
                </Button>
              </form>
            </div>
          </details>
        </div>
      </div>
      {domain.state !== 'verified' ? (
        <>
          <p class="mt-4 text-sm muted">Create these records at your DNS provider. Changes can take a few minutes to an hour to show.</p>
          <Records domain={domain} />
        </>
      ) : (
        <details class="mt-4 text-sm">
          <summary class="cursor-pointer muted">DNS records</summary>
          <Records domain={domain} />
        </details>
      )}
    </Card>
  );
}

export function DomainsPage(props: DomainsPageProps) {
  const full = props.domains.length >= props.maxDomains;
  return (
    <AppLayout page={props} title="Custom domains" active="settings">
      <div class="container-page max-w-3xl py-8 sm:py-10">
        <p class="text-sm">
          <a href="/settings/workspace" class="link">
            Workspace settings
          </a>
        </p>
        <h1 class="page-title mt-2">Custom domains</h1>
        <p class="mt-1 text-sm muted">Open {props.tenant.name} at your own address, such as app.yourcompany.com. Its usual address keeps working.</p>

        {props.error ? (
          <Alert kind="error" id="domains-error" class="mt-6">
            {props.error}
          </Alert>
        ) : null}

        <Card class="mt-8" title="Add a domain" titleId="add-domain-title" description={`Up to ${props.maxDomains} per workspace. You will create two DNS records next.`}>
          {full ? (
            <p class="text-sm muted">This workspace has {props.maxDomains} domains, the most it can have. Remove one to add another.</p>
          ) : (
            <form id="add-domain-form" method="post" action="/settings/domains" class="flex flex-col gap-3 sm:flex-row sm:items-start">
              <CsrfField token={props.csrfToken} />
              <TextField
                id="domain-hostname"
                name="hostname"
                label="Domain name"
                class="min-w-0 flex-1"
                value={props.hostnameValue}
                error={props.hostnameError}
                placeholder="app.yourcompany.com"
                required
                maxlength={253}
                verbatim
                autocomplete="off"
                inputmode="url"
              />
              <div class="sm:pt-7">
                <Button id="add-domain-button" type="submit" variant="primary">
                  Add domain
                </Button>
              </div>
            </form>
          )}
        </Card>

        <section class="mt-8" aria-labelledby="domains-title">
          <h2 id="domains-title" class="section-title">
            Your domains
          </h2>
          {props.domains.length === 0 ? (
            <Card class="mt-4">
              <EmptyState icon="globe" title="No custom domains yet" description="Add one above. Until then the workspace is at its usual address only." />
            </Card>
          ) : (
            props.domains.map((domain) => <DomainCard domain={domain} csrfToken={props.csrfToken} />)
          )}
        </section>
      </div>
    </AppLayout>
  );
}
