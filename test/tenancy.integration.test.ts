import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AddonRouteName } from '../server/routes/api/handlers.ts';
import { loadSandboxIdentity } from '../server/sandbox/google/identity.ts';
import { openMigrated, SAMPLE_MAPPING } from '../server/store/fixtures.ts';
import type { RouteDefinition } from '../shared/api/define.ts';
import { ROUTES, type RouteName } from '../shared/api/routes.ts';
import {
  type ApiTestbed,
  apiTestbed,
  type CallResult,
  call,
  pathOf,
  type SeededSheetData,
  type SheetAuth,
  type SignedInSheet,
  seedSheetData,
  signedInSheet,
} from './support/api.ts';
import { describeEachDriver } from './support/databases.ts';

// The tenancy matrix: three tenants (two Workspace domains and one consumer account) each own a bound
// spreadsheet with a connection, a table, an open conflict, audit entries and a job. Every add-on route
// is called with every kind of bad credential, and every route that names a resource is called by each
// tenant with the others' ids: all are refused, none leaks a byte of the other tenant, none changes it.

/** The ids a route call may name; each party fills them with its own. */
interface Ids {
  readonly connectionId: string;
  readonly tableId: string;
  readonly conflictId: string;
  readonly jobId: string;
}

/** How to call one route: its path parameters, query and body, built from the ids to address. */
interface HowToCall {
  readonly params?: (ids: Ids) => Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: (ids: Ids) => unknown;
}

const table = (ids: Ids) => ({ tableId: ids.tableId });

/**
 * A valid call of every add-on route. Typed against `AddonRouteName`, so a new route does not compile
 * without an entry here, and checked at run time too (the first test) in case the types are bypassed.
 */
const HOW_TO_CALL: { readonly [K in AddonRouteName]: HowToCall } = {
  bindSpreadsheet: { body: () => ({ spreadsheetId: 'sheet-probe' }) },
  getSession: {},
  listConnections: {},
  getConnection: { params: (ids) => ({ connectionId: ids.connectionId }) },
  deleteConnection: { params: (ids) => ({ connectionId: ids.connectionId }) },
  connectCrm: { params: () => ({ crm: 'hubspot' }) },
  connectWithToken: { body: () => ({ crm: 'hubspot', token: 'pat-na1-probe-token' }) },
  listTables: {},
  createTable: {
    body: (ids) => ({
      sheetTabId: 42,
      sheetTabName: 'Probe',
      connectionId: ids.connectionId,
      crmObject: 'contacts',
      mapping: SAMPLE_MAPPING,
      policy: 'manual',
    }),
  },
  getTable: { params: table },
  updateTable: { params: table, body: () => ({ policy: 'crm-wins', region: 'US' }) },
  exportRows: {
    params: table,
    body: () => ({ rows: [{ rowId: 'probe-row', cells: { Email: 'probe@probe.example' } }] }),
  },
  importRows: { params: table, body: () => ({ where: { city: ['Probe'] } }) },
  reconcileTable: { params: table },
  setupFields: { params: table },
  logOutreachEvents: {
    params: table,
    body: () => ({ events: [{ type: 'email_sent', rowId: 'probe-row', at: '2025-01-01T00:00:00.000Z' }] }),
  },
  listConflicts: { params: table, query: { status: 'open' } },
  resolveConflicts: {
    params: table,
    body: (ids) => ({ resolutions: [{ conflictId: ids.conflictId, take: 'sheet' }] }),
  },
  listAudit: { params: table, query: { limit: '200' } },
  getJob: { params: (ids) => ({ jobId: ids.jobId }) },
};

const ADDON_ROUTES = (Object.keys(ROUTES) as RouteName[]).filter((name) => ROUTES[name].auth === 'addon');
const howToCall = (name: RouteName): HowToCall =>
  (HOW_TO_CALL as Partial<Record<RouteName, HowToCall>>)[name] ?? {};

/** The request for `name` naming `ids`, as text too, so a refusal may echo what the caller sent. */
function requestFor(name: RouteName, ids: Ids) {
  const how = howToCall(name);
  const params = how.params?.(ids) ?? {};
  const body = how.body?.(ids);
  const echo = `${pathOf(ROUTES[name].path, params)} ${JSON.stringify(body ?? null)}`;
  return { route: ROUTES[name] as RouteDefinition, params, body, query: how.query, echo };
}

/** A route that names a resource: its request differs depending on whose ids it is built from. */
const PROBE_A: Ids = { connectionId: 'c-a', tableId: 't-a', conflictId: 'x-a', jobId: 'j-a' };
const PROBE_B: Ids = { connectionId: 'c-b', tableId: 't-b', conflictId: 'x-b', jobId: 'j-b' };
const ID_ROUTES = ADDON_ROUTES.filter(
  (name) => requestFor(name, PROBE_A).echo !== requestFor(name, PROBE_B).echo,
);
const SHEET_ROUTES = ADDON_ROUTES.filter((name) => (ROUTES[name] as RouteDefinition).sheetSecret !== false);
// Lists and the session: answered with the caller's own data, which must hold none of anyone else's.
const OWN_DATA_ROUTES = SHEET_ROUTES.filter(
  (name) => ROUTES[name].method === 'GET' && !ID_ROUTES.includes(name),
);

type PartyName = 'acme' | 'globex' | 'consumer';
const PARTIES: readonly PartyName[] = ['acme', 'globex', 'consumer'];
const PAIRS = PARTIES.flatMap((attacker) =>
  PARTIES.filter((victim) => victim !== attacker).map((victim) => [attacker, victim] as const),
);

interface Party extends SignedInSheet {
  readonly email: string;
  readonly data: SeededSheetData;
  readonly ids: Ids;
  /** Everything identifying this party's data: none of it may reach another tenant. */
  readonly identifiers: readonly string[];
}

const USERS: Record<PartyName, { email: string; hd?: string }> = {
  acme: { email: 'ann@acme.com', hd: 'acme.com' },
  globex: { email: 'gus@globex.com', hd: 'globex.com' },
  consumer: { email: 'carl@gmail.com' },
};

describeEachDriver('tenant isolation of the v1 API', (driver) => {
  let bed: ApiTestbed;
  const parties = {} as Record<PartyName, Party>;
  let foreignToken: string;
  let expiredToken: string;
  let impostorDir: string;
  let before: Record<PartyName, unknown>;

  /** What storage holds for a party, read past the API: compared before and after the attacks. */
  async function stateOf(party: Party) {
    const { repos } = bed.db;
    const { tenantId, spreadsheetId, data } = party;
    return {
      spreadsheets: await repos.spreadsheets.list(tenantId),
      connections: await repos.connections.listForTenant(tenantId),
      tables: await repos.tables.listForSpreadsheet(tenantId, spreadsheetId),
      conflicts: await repos.conflicts.listByStatus(tenantId, data.table.id, 'open'),
      resolved: await repos.conflicts.listByStatus(tenantId, data.table.id, 'resolved'),
      jobs: await repos.jobs.listForTable(tenantId, data.table.id),
      audit: await repos.audit.listForTenant(tenantId),
    };
  }

  beforeAll(async () => {
    const { db, dispose } = await openMigrated(() => driver.open());
    bed = await apiTestbed(db, dispose);
    for (const name of PARTIES) {
      const user = USERS[name];
      const signedIn = await signedInSheet(bed, user, `sheet-${name}`);
      const data = await seedSheetData(db, signedIn, name);
      parties[name] = {
        ...signedIn,
        email: user.email,
        data,
        ids: {
          connectionId: data.connection.id,
          tableId: data.table.id,
          conflictId: data.conflictId,
          jobId: data.job.id,
        },
        identifiers: [
          signedIn.tenantId,
          signedIn.spreadsheetId,
          signedIn.sheet.googleSpreadsheetId,
          signedIn.sheet.secret,
          user.email,
          data.connection.id,
          data.connection.label,
          data.connection.credentials.ciphertext,
          `portal-${name}`,
          data.table.id,
          data.table.sheetTabName,
          data.conflictId,
          data.rowId,
          data.crmId,
          `sheet@${name}.example`,
          data.job.id,
        ],
      };
    }
    // Tokens the real verifier must refuse: signed by a key it does not trust, and expired.
    impostorDir = await mkdtemp(join(tmpdir(), 'rowbridge-impostor-'));
    const impostor = await loadSandboxIdentity(impostorDir);
    foreignToken = await impostor.mint({ email: 'ann@acme.com', hd: 'acme.com' });
    expiredToken = await bed.token({ ...USERS.acme, expiresInSeconds: -120 });
    before = Object.fromEntries(
      await Promise.all(PARTIES.map(async (name) => [name, await stateOf(parties[name])])),
    );
  });
  afterAll(async () => {
    await bed.close();
    await rm(impostorDir, { recursive: true, force: true });
  });

  /** Calls `name` as `caller` (token and sheet), addressing `target`'s ids. */
  function attempt(name: RouteName, target: Ids, auth: { token?: string; sheet?: SheetAuth }) {
    const request = requestFor(name, target);
    const options = {
      ...auth,
      ...(request.body === undefined ? {} : { body: request.body }),
      ...(request.query ? { query: request.query } : {}),
    };
    return { echo: request.echo, response: call(bed.app, request.route, request.params, options) };
  }

  /** The victim's identifiers in a response, except those the caller itself sent. */
  function leaked(result: CallResult, victim: Party, echo: string): string[] {
    return victim.identifiers.filter((id) => result.text.includes(id) && !echo.includes(id));
  }

  it('knows how to call every add-on route of the contract', () => {
    expect(ADDON_ROUTES.filter((name) => !(name in HOW_TO_CALL))).toEqual([]);
    expect(Object.keys(HOW_TO_CALL).filter((name) => !ADDON_ROUTES.includes(name as RouteName))).toEqual([]);
    expect(ID_ROUTES.length).toBeGreaterThanOrEqual(9);
  });

  it.each(ADDON_ROUTES)('%s: refuses a missing, foreign, expired or garbage token (401)', async (name) => {
    const acme = parties.acme;
    for (const token of [undefined, 'garbage', 'a.b.c', foreignToken, expiredToken]) {
      const { echo, response } = attempt(name, acme.ids, { ...(token ? { token } : {}), sheet: acme.sheet });
      const result = await response;
      expect(result.status, `token ${token?.slice(0, 12)}`).toBe(401);
      expect(result.body.error.code).toBe('unauthenticated');
      expect(leaked(result, acme, echo)).toEqual([]);
    }
  });

  it.each(SHEET_ROUTES)('%s: refuses a valid token without the sheet headers (401)', async (name) => {
    const acme = parties.acme;
    const result = await attempt(name, acme.ids, { token: acme.token }).response;
    expect(result.status).toBe(401);
  });

  it.each(SHEET_ROUTES)(
    "%s: refuses a wrong secret, and another tenant's sheet and secret (403)",
    async (name) => {
      const acme = parties.acme;
      const wrong = { ...acme.sheet, secret: parties.globex.sheet.secret };
      expect((await attempt(name, acme.ids, { token: acme.token, sheet: wrong }).response).status).toBe(403);
      for (const [attacker, victim] of PAIRS) {
        const target = parties[victim];
        const { echo, response } = attempt(name, target.ids, {
          token: parties[attacker].token,
          sheet: target.sheet,
        });
        const result = await response;
        expect(result.status, `${attacker} with ${victim}'s sheet`).toBe(403);
        expect(result.body.error.code).toBe('forbidden');
        expect(leaked(result, target, echo)).toEqual([]);
      }
    },
  );

  it.each(ID_ROUTES)("%s: answers 404 to another tenant's ids, revealing nothing", async (name) => {
    for (const [attacker, victim] of PAIRS) {
      const caller = parties[attacker];
      const { echo, response } = attempt(name, parties[victim].ids, {
        token: caller.token,
        sheet: caller.sheet,
      });
      const result = await response;
      expect(result.status, `${attacker} → ${victim}: ${result.text}`).toBe(404);
      expect(result.body.error.code).toBe('not_found');
      expect(leaked(result, parties[victim], echo), `${attacker} → ${victim}`).toEqual([]);
    }
  });

  it.each(OWN_DATA_ROUTES)("%s: shows each tenant its own data and none of the others'", async (name) => {
    for (const [attacker, victim] of PAIRS) {
      const caller = parties[attacker];
      const { echo, response } = attempt(name, caller.ids, { token: caller.token, sheet: caller.sheet });
      const result = await response;
      expect(result.status).toBe(200);
      expect(
        caller.identifiers.some((id) => result.text.includes(id)),
        `${attacker} sees its own`,
      ).toBe(true);
      expect(leaked(result, parties[victim], echo), `${attacker} sees ${victim}`).toEqual([]);
    }
  });

  it("refuses to resolve another tenant's conflict through the caller's own table", async () => {
    for (const [attacker, victim] of PAIRS) {
      const caller = parties[attacker];
      const ids = { ...caller.ids, conflictId: parties[victim].ids.conflictId };
      const result = await attempt('resolveConflicts', ids, { token: caller.token, sheet: caller.sheet })
        .response;
      expect(result.status).toBe(404);
    }
  });

  it('lets a colleague in the same Workspace domain use the sheet with its secret', async () => {
    const acme = parties.acme;
    const bob = await bed.token({ email: 'bob@acme.com', hd: 'acme.com' });
    const as = { token: bob, sheet: acme.sheet };
    const session = await call(bed.app, ROUTES.getSession, {}, as);
    expect(session.body).toMatchObject({
      tenant: { id: acme.tenantId },
      user: { email: 'bob@acme.com' },
      spreadsheet: { id: acme.spreadsheetId },
    });
    const connections = await call(bed.app, ROUTES.listConnections, {}, as);
    expect(connections.body.connections.map((c: { id: string }) => c.id)).toEqual([acme.ids.connectionId]);
    expect((await call(bed.app, ROUTES.getTable, table(acme.ids), as)).status).toBe(200);
    const conflicts = await call(bed.app, ROUTES.listConflicts, table(acme.ids), as);
    expect(conflicts.body.conflicts.map((c: { id: string }) => c.id)).toEqual([acme.ids.conflictId]);
    expect((await call(bed.app, ROUTES.getJob, { jobId: acme.ids.jobId }, as)).status).toBe(200);
    // Without the secret, being a colleague is not enough.
    expect((await call(bed.app, ROUTES.getSession, {}, { token: bob })).status).toBe(401);
  });

  it("keeps a consumer account's tenant to that one person", async () => {
    const consumer = parties.consumer;
    const other = await bed.token({ email: 'dora@gmail.com' });
    const result = await call(bed.app, ROUTES.listTables, {}, { token: other, sheet: consumer.sheet });
    expect(result.status).toBe(403);
  });

  it('changed nothing of anyone: every refused write left storage as it was', async () => {
    for (const name of PARTIES) expect(await stateOf(parties[name]), name).toEqual(before[name]);
  });

  it("binds another tenant's spreadsheet id as a separate sheet, leaving the first binding alone", async () => {
    const [acme, globex] = [parties.acme, parties.globex];
    const response = await call(
      bed.app,
      ROUTES.bindSpreadsheet,
      {},
      {
        token: globex.token,
        body: { spreadsheetId: acme.sheet.googleSpreadsheetId },
      },
    );
    expect(response.status).toBe(200);
    expect(response.body.secret).not.toBe(acme.sheet.secret);
    const own = { googleSpreadsheetId: acme.sheet.googleSpreadsheetId, secret: response.body.secret };
    const tables = await call(bed.app, ROUTES.listTables, {}, { token: globex.token, sheet: own });
    expect(tables.body).toEqual({ tables: [] });
    // Acme's sheet still answers to acme's secret, and globex's new secret does not open it for acme.
    expect(
      (await call(bed.app, ROUTES.listTables, {}, { token: acme.token, sheet: acme.sheet })).status,
    ).toBe(200);
    expect((await call(bed.app, ROUTES.listTables, {}, { token: acme.token, sheet: own })).status).toBe(403);
    expect(await stateOf(acme)).toEqual(before.acme);
  });
});
