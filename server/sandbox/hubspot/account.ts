import { Hono } from 'hono';
import type { Core, Env } from './core.ts';

/**
 * `GET /account-info/v3/details`: the portal behind a token, which is how a private-app token (which
 * has no token-metadata endpoint) tells whose account it is. Fields as HubSpot's account information
 * API documents them; the sandbox portal is a US standard account.
 *
 * https://developers.hubspot.com/docs/api-reference/legacy/account/account-information/get-account-details
 */
export function accountRoutes(core: Core): Hono<Env> {
  const app = new Hono<Env>();
  app.get('/account-info/v3/details', (c) =>
    c.json({
      portalId: core.config.portalId,
      accountType: 'STANDARD',
      timeZone: 'US/Eastern',
      companyCurrency: 'USD',
      additionalCurrencies: [],
      utcOffset: '-05:00',
      utcOffsetMilliseconds: -18_000_000,
      uiDomain: 'app.hubspot.com',
      dataHostingLocation: 'na1',
    }),
  );
  return app;
}
