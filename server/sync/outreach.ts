import * as z from 'zod';
import { type OutreachEvent, outreachEventSchema } from '../../shared/api/sync.ts';
import type { TableSettings } from '../../shared/api/tables.ts';
import { RowbridgeError } from '../../shared/errors.ts';
import type { ProviderDescription } from '../connectors/provider-schema.ts';
import type { CrmConnector } from '../connectors/types.ts';
import type { JobContext } from '../queue/index.ts';
import { once } from '../queue/index.ts';
import type { NewAuditEntry, RecordLink } from '../store/repos/index.ts';
import type { JsonValue } from '../store/values.ts';
import { connectorFor, type SyncRuntime } from './runtime.ts';
import { runTracked } from './tracked.ts';

export const outreachJobSchema = z.strictObject({
  tenantId: z.string().min(1),
  tableId: z.string().min(1),
  jobId: z.string().min(1),
  events: z.array(outreachEventSchema),
  actor: z.string().min(1),
});
export type OutreachJob = z.output<typeof outreachJobSchema>;

export const OUTREACH_RETRIES = 3;

/** What one event did in the CRM (the job's result lists one per event, in order). */
export interface EventOutcome {
  readonly rowId: string;
  readonly type: OutreachEvent['type'];
  readonly status: 'logged' | 'failed';
  readonly activityId?: string;
  readonly dealId?: string;
  readonly error?: { readonly code: string; readonly message: string };
}

type Deals = NonNullable<ProviderDescription['deals']>;

const DAY_MS = 86_400_000;

/** The deal a positive reply opens: named after the person and company, in the table's pipeline. */
function dealProperties(deals: Deals, settings: TableSettings, link: RecordLink, event: OutreachEvent) {
  const person = [link.base.first_name, link.base.last_name].filter(Boolean).join(' ');
  const company = typeof link.base.company === 'string' ? link.base.company : '';
  const who = [person, company].filter(Boolean).join(', ') || `row ${link.rowId}`;
  const outreach = settings.outreach;
  const closeDays = outreach?.dealCloseDays ?? 30;
  const pipeline = outreach?.dealPipeline ?? deals.defaultPipeline;
  const close = new Date(Date.parse(event.at) + closeDays * DAY_MS).toISOString();
  return {
    [deals.nameProperty]: `${who}: positive reply`,
    [deals.stageProperty]: outreach?.dealStage ?? deals.defaultStage,
    ...(deals.pipelineProperty && pipeline ? { [deals.pipelineProperty]: pipeline } : {}),
    [deals.closeDateProperty]: deals.closeDateIsDate ? close.slice(0, 10) : close,
  };
}

/**
 * Logs one event on the row's CRM record: an email sent is an outbound email activity (HubSpot email,
 * Salesforce completed Task; each CRM then moves its own last-contacted/last-activity date); a reply is an
 * inbound one, and a positive reply also opens a deal (upserted on a key made of the row and the reply
 * time, so a retry cannot open two) linked to the person where the CRM links deals to people, and to the
 * person's company (HubSpot company, Salesforce Account). A Salesforce Lead has no Account until it is
 * converted, so its Opportunity stands alone.
 */
export async function applyOutreachEvent(
  connector: CrmConnector,
  object: string,
  settings: TableSettings,
  link: RecordLink & { crmId: string },
  event: OutreachEvent,
): Promise<EventOutcome> {
  const on = [{ object, id: link.crmId }];
  const activity = await connector.createActivity('email', {
    ...(event.subject ? { subject: event.subject } : {}),
    body: event.body ?? '',
    occurredAt: event.at,
    direction: event.type === 'email_sent' ? 'outbound' : 'inbound',
    on,
  });
  const logged = { rowId: link.rowId, type: event.type, status: 'logged' as const, activityId: activity.id };
  const deals = connector.provider.deals;
  if (event.type !== 'reply_received' || event.sentiment !== 'positive' || !deals) return logged;

  const [deal] = await connector.upsertRecords(deals.object, [
    {
      key: { property: deals.keyProperty, value: `${link.rowId}:reply:${event.at}` },
      properties: dealProperties(deals, settings, link, event),
    },
  ]);
  if (!deal || deal.status === 'failed') {
    const message = deal?.status === 'failed' ? deal.error.message : 'The CRM gave no answer.';
    return {
      ...logged,
      status: 'failed',
      error: { code: 'crm_rejected', message: `The deal was not created: ${message}` },
    };
  }
  if (deals.linksPeople)
    await connector.associate(deals.object, object, [{ fromId: deal.id, toId: link.crmId }]);
  const companies = connector.provider.companies;
  if (companies?.people.includes(object)) {
    const linked = await connector.listAssociations(object, companies.object, [link.crmId]);
    const pairs = (linked[link.crmId] ?? []).map((toId) => ({ fromId: deal.id, toId }));
    if (pairs.length > 0) await connector.associate(deals.object, companies.object, pairs);
  }
  return { ...logged, dealId: deal.id };
}

/**
 * The `outreach` job: applies events in order. Each event's CRM effect is recorded with `once`, so a
 * retried or restarted job never logs an email twice. An event whose row is not linked to a CRM record
 * fails alone with a reason; the others go on.
 */
export function runOutreachJob(runtime: SyncRuntime, data: OutreachJob, ctx: JobContext): Promise<void> {
  return runTracked(runtime.db, data, ctx, OUTREACH_RETRIES, async (tracker) => {
    const { repos } = runtime.db;
    const table = await repos.tables.get(data.tenantId, data.tableId);
    if (!table)
      throw new RowbridgeError('not_found', 'The sync table was deleted before its events were logged.');
    const connection = await repos.connections.get(data.tenantId, table.connectionId);
    if (!connection) throw new RowbridgeError('not_found', 'The table’s CRM connection was deleted.');
    const connector = connectorFor(runtime, connection);
    const links = await repos.links.getByRowIds(
      data.tenantId,
      table.id,
      data.events.map((e) => e.rowId),
    );
    const byRow = new Map(links.map((link) => [link.rowId, link]));
    const outcomes: EventOutcome[] = [];
    for (const [index, event] of data.events.entries()) {
      const link = byRow.get(event.rowId);
      if (!link?.crmId || link.state === 'archived') {
        outcomes.push({
          rowId: event.rowId,
          type: event.type,
          status: 'failed',
          error: {
            code: 'not_found',
            message:
              link?.state === 'archived'
                ? 'The row’s CRM record was deleted; nothing was logged.'
                : 'The row is not in the CRM yet; export it first, then log its events.',
          },
        });
        continue;
      }
      const linked = { ...link, crmId: link.crmId };
      outcomes.push(
        await once(ctx, `event:${index}`, () =>
          applyOutreachEvent(connector, table.crmObject, table.settings, linked, event),
        ),
      );
      tracker.progress(index + 1, data.events.length);
    }
    const audit: NewAuditEntry[] = outcomes.flatMap((outcome, index) => {
      if (outcome.status !== 'logged') return [];
      const event = data.events[index];
      return [
        {
          tableId: table.id,
          rowId: outcome.rowId,
          crmId: byRow.get(outcome.rowId)?.crmId ?? null,
          target: 'crm',
          source: 'sheet',
          actor: data.actor,
          action: outcome.dealId ? 'outreach.deal_created' : `outreach.${outcome.type}`,
          newValue: {
            activityId: outcome.activityId ?? null,
            dealId: outcome.dealId ?? null,
            at: event?.at ?? null,
          },
          explanation: outcome.dealId
            ? `Logged a positive reply and opened deal ${outcome.dealId}.`
            : `Logged ${outcome.type === 'email_sent' ? 'an email sent' : 'a reply'} on the CRM record.`,
          jobId: ctx.jobId,
        },
      ];
    });
    if (audit.length > 0) await repos.audit.append(data.tenantId, audit);
    return { events: outcomes } as unknown as JsonValue;
  });
}
