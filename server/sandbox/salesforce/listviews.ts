import { Hono } from 'hono';
import type { Core, Env } from './core.ts';
import { SalesforceError } from './errors.ts';

/**
 * `GET /sobjects/{object}/listviews/{id}/describe`: a list view's columns and the SOQL query Salesforce
 * runs for it (`query`), which a client can run itself with its own fields. Only the fields Rowbridge
 * reads are modelled (`id`, `query`, `sobjectType`, `columns`, `orderBy`, `scope`).
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_listviewdescribe.htm
 */
export function listViewRoutes(core: Core): Hono<Env> {
  const app = new Hono<Env>();
  app.get('/sobjects/:object/listviews/:id/describe', (c) => {
    const view = core.store.read().listViews[c.req.param('id')];
    if (!view || view.sobjectType.toLowerCase() !== c.req.param('object').toLowerCase()) {
      throw new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
    }
    return c.json({
      id: view.id,
      sobjectType: view.sobjectType,
      scope: 'everything',
      columns: [{ fieldNameOrPath: 'Name', label: 'Name', sortable: true }],
      orderBy: [{ fieldNameOrPath: 'Name', sortDirection: 'ascending', nullsPosition: 'first' }],
      query: `SELECT Id, Name FROM ${view.sobjectType} WHERE ${view.where} ORDER BY Name ASC NULLS FIRST, Id ASC NULLS FIRST`,
      whereCondition: { conditions: [] },
    });
  });
  return app;
}
