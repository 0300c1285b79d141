import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../../shared/api/routes.ts';
import { type ApiTestbed, bindSheet, call, pgliteTestbed } from '../../../test/support/api.ts';
import { hashSheetSecret } from '../../auth/sheet-secret.ts';

let bed: ApiTestbed;
let ann: string;
beforeAll(async () => {
  bed = await pgliteTestbed();
  ann = await bed.token({ email: 'ann@acme.com', hd: 'acme.com' });
});
afterAll(() => bed.close());

describe('POST /api/v1/spreadsheets/bind', () => {
  it('binds a new spreadsheet, returning a secret whose hash alone is stored, and audits it', async () => {
    const response = await call(
      bed.app,
      ROUTES.bindSpreadsheet,
      {},
      {
        token: ann,
        body: { spreadsheetId: 'sheet-bind-1', spreadsheetName: 'Q3 leads' },
      },
    );
    expect(response.status).toBe(200);
    const { spreadsheetId, secret, boundAt } = response.body;
    expect(spreadsheetId).toBe('sheet-bind-1');
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.now() - Date.parse(boundAt)).toBeLessThan(60_000);

    const tenant = await bed.db.repos.tenants.getTenantByKey('acme.com');
    const stored = await bed.db.repos.spreadsheets.getByGoogleId(tenant?.id ?? '', 'sheet-bind-1');
    expect(stored?.secretHash).toBe(hashSheetSecret(secret));
    expect(JSON.stringify(stored)).not.toContain(secret);
    const { entries } = await bed.db.repos.audit.listForTenant(tenant?.id ?? '');
    expect(entries[0]).toMatchObject({ source: 'user', action: 'spreadsheet.bound', actor: 'ann@acme.com' });
    expect(entries[0]?.explanation).toContain('"Q3 leads"');
  });

  it('refuses a second bind with 409, keeping the first secret and saying how to recover', async () => {
    const first = await bindSheet(bed, ann, 'sheet-bind-2');
    const again = await call(
      bed.app,
      ROUTES.bindSpreadsheet,
      {},
      {
        token: ann,
        body: { spreadsheetId: 'sheet-bind-2' },
      },
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('spreadsheet_already_bound');
    expect(again.body.error.message).toMatch(/document properties/);
    expect(again.body.error.message).toMatch(/rotate the secret.*no API route for that yet/);
    // The first secret still works: the replayed bind did not replace it.
    const session = await call(bed.app, ROUTES.getSession, {}, { token: ann, sheet: first });
    expect(session.status).toBe(200);
  });

  it('lets a colleague of the same domain see the sheet is bound (409), not bind it again', async () => {
    await bindSheet(bed, ann, 'sheet-bind-3');
    const bob = await bed.token({ email: 'bob@acme.com', hd: 'acme.com' });
    const response = await call(
      bed.app,
      ROUTES.bindSpreadsheet,
      {},
      {
        token: bob,
        body: { spreadsheetId: 'sheet-bind-3' },
      },
    );
    expect(response.status).toBe(409);
  });

  it('needs an identity token but no sheet secret, and validates the body', async () => {
    const anonymous = await call(bed.app, ROUTES.bindSpreadsheet, {}, { body: { spreadsheetId: 'x' } });
    expect(anonymous.status).toBe(401);
    const invalid = await call(
      bed.app,
      ROUTES.bindSpreadsheet,
      {},
      {
        token: ann,
        body: { spreadsheetId: 'has spaces/../' },
      },
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details[0].path).toEqual(['body', 'spreadsheetId']);
  });
});

describe('GET /api/v1/session', () => {
  it('names the tenant (the Workspace domain), the user and the spreadsheet', async () => {
    const sheet = await bindSheet(bed, ann, 'sheet-session');
    const response = await call(bed.app, ROUTES.getSession, {}, { token: ann, sheet });
    expect(response.status).toBe(200);
    const tenant = await bed.db.repos.tenants.getTenantByKey('acme.com');
    const stored = await bed.db.repos.spreadsheets.getByGoogleId(tenant?.id ?? '', 'sheet-session');
    expect(response.body).toEqual({
      tenant: { id: tenant?.id, name: 'acme.com' },
      user: { email: 'ann@acme.com' },
      spreadsheet: { id: stored?.id, googleSpreadsheetId: 'sheet-session' },
    });
  });

  it('gives a consumer account its own tenant, named by its email', async () => {
    const carl = await bed.token({ email: 'Carl@gmail.com' });
    const sheet = await bindSheet(bed, carl, 'sheet-carl');
    const response = await call(bed.app, ROUTES.getSession, {}, { token: carl, sheet });
    expect(response.body.tenant.name).toBe('carl@gmail.com');
    expect(response.body.user.email).toBe('carl@gmail.com');
  });

  it('refuses a wrong secret (403) and missing sheet headers (401)', async () => {
    const sheet = await bindSheet(bed, ann, 'sheet-session-2');
    const wrong = await call(
      bed.app,
      ROUTES.getSession,
      {},
      {
        token: ann,
        sheet: { ...sheet, secret: `${sheet.secret.slice(1)}x` },
      },
    );
    expect(wrong.status).toBe(403);
    expect((await call(bed.app, ROUTES.getSession, {}, { token: ann })).status).toBe(401);
  });
});
