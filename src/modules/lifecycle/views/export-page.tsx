// The data export page (/settings/export, any member who may read the data): what the archive
// holds, and the download. It stays open while the workspace is suspended or pending deletion.
import { AppLayout, type AppPageContext } from '../../../platform/views/layout.js';
import { Alert, Badge, Card, Icon } from '../../../platform/views/components.js';

export interface ExportPageProps extends AppPageContext {
  /** The member may read the audit log: the archive includes it. */
  includesAudit: boolean;
  /** When the workspace goes, if its deletion is pending. */
  deletionScheduledFor: Date | null;
  suspended: boolean;
  /** The member may see (and cancel) the deletion. */
  canManageDeletion: boolean;
  fileName: string;
}

const CONTENTS: [string, string][] = [
  ['workspace.json', 'Everything in one JSON document, for importing elsewhere.'],
  ['csv/members.csv', 'Members with their email, name, role and when they joined.'],
  ['csv/invitations.csv', 'Invitations and their state.'],
  ['csv/roles.csv', "The workspace's own roles and their permissions."],
  ['csv/data_items.csv', 'Every data item.'],
  ['csv/custom_domains.csv', 'Custom domains and whether they are verified.'],
];

export function ExportPage(props: ExportPageProps) {
  const day = props.deletionScheduledFor?.toISOString().slice(0, 10);
  return (
    <AppLayout page={props} title="Export data" active="settings">
      <div class="container-page max-w-3xl py-8 sm:py-10">
        <h1 class="page-title">Export data</h1>
        <p class="mt-1 text-sm muted">Download a copy of everything in {props.tenant.name}, as JSON and spreadsheet-ready CSV files in one ZIP archive.</p>

        {props.deletionScheduledFor ? (
          <Alert kind="warning" id="export-deletion-pending" class="mt-6" title={`This workspace will be deleted on ${day}`}>
            Download what you need before then.{' '}
            {props.canManageDeletion ? (
              <a href="/settings/workspace/delete" class="link">
                See or cancel the deletion
              </a>
            ) : (
              'An owner can still cancel the deletion.'
            )}
          </Alert>
        ) : props.suspended ? (
          <Alert kind="warning" id="export-suspended" class="mt-6" title="This workspace is suspended">
            Its other pages are closed, but you can still download its data here.
          </Alert>
        ) : null}

        <Card class="mt-8" title="What the archive holds" titleId="export-contents-title">
          <ul class="grid gap-3 text-sm" id="export-contents">
            {CONTENTS.map(([file, what]) => (
              <li class="flex flex-col gap-0.5 sm:flex-row sm:gap-3">
                <code class="code shrink-0 sm:w-48">{file}</code>
                <span class="muted">{what}</span>
              </li>
            ))}
            <li class="flex flex-col gap-0.5 sm:flex-row sm:gap-3">
              <code class="code shrink-0 sm:w-48">csv/audit_events.csv</code>
              <span class="muted">
                {props.includesAudit ? (
                  'The audit log: who did what, and when.'
                ) : (
                  <>
                    <Badge>Not included</Badge> Your role cannot read the audit log.
                  </>
                )}
              </span>
            </li>
          </ul>
          <p class="mt-5 text-sm muted">
            Dates are in UTC (ISO 8601). Spreadsheet cells that would start a formula begin with an apostrophe; the JSON keeps the values exactly.
          </p>
          <div class="mt-6 flex flex-col gap-3 sm:flex-row sm:items-center">
            <a id="export-download" href="/export.zip" download={props.fileName} class="btn btn-primary">
              <Icon name="database" class="size-4" />
              Download the archive
            </a>
            <span class="text-sm muted">{props.fileName}</span>
          </div>
        </Card>

        <Card class="mt-6" title="From a script" titleId="export-api-title">
          <p class="text-sm muted">
            The same archive comes from <code class="code">GET /api/export</code> on this workspace's address, with an access token of a member.
          </p>
        </Card>
      </div>
    </AppLayout>
  );
}
