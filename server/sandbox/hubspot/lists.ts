import { Hono } from 'hono';
import type { Core, Env } from './core.ts';
import { HubSpotError } from './errors.ts';

/**
 * `GET /crm/v3/lists/{listId}/memberships`: a list's record ids in the order they joined, paged with
 * `after` (an offset, opaque to callers) and `limit` (at most 250, default 100), as the Lists v3 API and
 * the SDK's `MembershipsApi.getPage` model it.
 * https://developers.hubspot.com/docs/api-reference/crm-lists-v3/memberships/get-crm-v3-lists-listId-memberships
 */
export function listRoutes(core: Core): Hono<Env> {
  const app = new Hono<Env>();
  app.get('/crm/v3/lists/:listId/memberships', (c) => {
    const list = core.store.read().lists[c.req.param('listId')];
    if (!list)
      throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `List ${c.req.param('listId')} does not exist.`);
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 100) || 100, 1), 250);
    const offset = Math.max(Number(c.req.query('after') ?? 0) || 0, 0);
    const page = list.members.slice(offset, offset + limit);
    const next = offset + limit < list.members.length ? String(offset + limit) : undefined;
    return c.json({
      results: page.map((member) => ({
        recordId: member.recordId,
        membershipTimestamp: new Date(member.joinedAt).toISOString(),
      })),
      total: list.members.length,
      ...(next ? { paging: { next: { after: next, link: '' } } } : {}),
    });
  });
  return app;
}
