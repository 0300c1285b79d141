import type { PlannedAssociation } from './associations.ts';
import type { Actor, ObjectType, StoredRecord } from './model.ts';
import { updateRecord, WriteContext } from './records.ts';

/** HubSpot itself sets calculated properties: their history and webhooks name no app or user. */
const CALCULATED: Actor = { sourceType: 'CALCULATED', changeSource: 'CALCULATED' };

/**
 * A logged email moves its contacts' "Last contacted" (`notes_last_contacted`) forward to the email's
 * time, as HubSpot does for logged sales emails, calls and meetings; it never moves back. Only emails
 * exist in the sandbox among those, and only associations made at creation (inline) count.
 * https://knowledge.hubspot.com/records/understand-last-contacted-and-last-activity-date-properties
 */
export function touchLastContacted(
  ctx: WriteContext,
  type: ObjectType,
  engagement: StoredRecord,
  links: readonly PlannedAssociation[],
): void {
  if (type !== 'emails') return;
  const at = Date.parse(engagement.properties.hs_timestamp ?? '');
  if (!Number.isFinite(at)) return;
  const calculated = new WriteContext(ctx.data, ctx.now, CALCULATED);
  for (const link of links) {
    if (link.to !== 'contacts') continue;
    const contact = ctx.data.records.contacts[link.toId];
    if (!contact || contact.archived) continue;
    const current = Date.parse(contact.properties.notes_last_contacted ?? '');
    if (Number.isFinite(current) && current >= at) continue;
    updateRecord(calculated, 'contacts', contact, { notes_last_contacted: new Date(at).toISOString() });
  }
  ctx.events.push(...calculated.events);
}
