import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { isRowbridgeError, RowbridgeError } from '../../shared/errors.ts';
import { type CrmId, isCrmId } from '../../shared/mapping/schema.ts';
import { type Caller, spreadsheetOf } from '../auth/middleware.ts';
import { type CrmCredentials, createConnection, replaceCredentials } from '../connections/credentials.ts';
import type { Logger } from '../observability/logger.ts';
import type { Keyring } from '../security/keyring.ts';
import type { Database } from '../store/database.ts';
import type { Connection } from '../store/repos/index.ts';
import { authorizeUrl, exchangeCode, newCodeVerifier } from './client.ts';
import type { OAuthCrm, OAuthCrms, OAuthFlow } from './crms.ts';
import { OAUTH_STATE_TTL_MS, type OAuthState, openState, type SealedPurpose, sealState } from './state.ts';

export interface OAuthDeps {
  readonly db: Database;
  readonly keyring: Keyring;
  readonly publicUrl: string;
  readonly crms: OAuthCrms;
  readonly logger?: Logger;
  readonly now?: () => number;
}

function configured(crms: OAuthCrms, crm: string): OAuthCrm {
  const entry = isCrmId(crm) ? crms[crm] : undefined;
  if (!entry) {
    throw new RowbridgeError(
      'crm_not_configured',
      `${crm} is not set up on this Rowbridge companion. An administrator registers the ${crm} app and sets its client id and secret (see the README).`,
    );
  }
  return entry;
}

/**
 * The login host of a flow: checked by the CRM (Salesforce: its own hosts only, so the flow cannot become
 * an open redirect), or refused for CRMs with a single host.
 */
function loginUrlFor(entry: OAuthCrm, requested: string | undefined): string | undefined {
  if (entry.loginUrl) return entry.loginUrl(requested);
  if (requested === undefined) return undefined;
  throw new RowbridgeError(
    'invalid_input',
    `loginUrl: ${entry.label} has one sign-in page; leave loginUrl out.`,
    [{ code: 'invalid_input', message: `loginUrl: ${entry.label} has one sign-in page`, path: ['loginUrl'] }],
  );
}

/** The flow part of a sealed ticket or state. */
function flowOf(state: OAuthState): OAuthFlow {
  return state.loginUrl ? { loginUrl: state.loginUrl } : {};
}

/**
 * `POST /api/v1/connections/connect/{crm}` (add-on auth): a companion URL for the connect popup. The
 * popup cannot send the add-on's identity token, so the URL carries a sealed ticket with the caller's
 * tenant, spreadsheet and user (and the checked login host, for Salesforce), valid for ten minutes.
 */
export function connectStart(
  deps: OAuthDeps,
  caller: Caller,
  crm: CrmId,
  options: { readonly loginUrl?: string | undefined } = {},
): { url: string; expiresAt: string } {
  const entry = configured(deps.crms, crm);
  const loginUrl = loginUrlFor(entry, options.loginUrl);
  const now = deps.now?.() ?? Date.now();
  const ticket = sealState(
    deps.keyring,
    'oauth-start',
    {
      crm,
      tenantId: caller.tenantId,
      spreadsheetId: spreadsheetOf(caller).id,
      userId: caller.userId,
      ...(loginUrl ? { loginUrl } : {}),
    },
    now,
  );
  return {
    url: `${deps.publicUrl}/oauth/${crm}/start?ticket=${ticket}`,
    expiresAt: new Date(now + OAUTH_STATE_TTL_MS).toISOString(),
  };
}

/**
 * JSON for inside a <script>: raw (HTML escaping would corrupt its quotes) but with `<` escaped, so a
 * value such as a CRM account label containing `</script>` cannot end the script early.
 */
function scriptJson(value: unknown) {
  return raw(JSON.stringify(value).replace(/</g, '\\u003c'));
}

/** The page the popup ends on: tells the sidebar (its opener) the outcome, then closes itself. */
function popupPage(
  outcome: { ok: true; crm: string; connectionId: string; label: string } | { ok: false; message: string },
) {
  const message = outcome.ok ? `Connected ${outcome.label}. You can close this window.` : outcome.message;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rowbridge</title></head>
<body style="font-family: sans-serif; margin: 2rem">
<p role="status">${message}</p>
<script>
  const outcome = ${scriptJson({ type: 'rowbridge:connect', ...outcome })};
  if (window.opener) window.opener.postMessage(outcome, '*');
  if (outcome.ok) setTimeout(() => window.close(), 1500);
</script>
</body></html>`;
}

/**
 * The browser side of connecting a CRM (RFC 6749 authorization code flow):
 * `GET /oauth/{crm}/start?ticket=…` redirects to the CRM's consent page with a sealed, expiring state
 * (and a PKCE challenge); `GET /oauth/{crm}/callback` exchanges the code, stores the tokens sealed on a
 * connection of the ticket's spreadsheet (or refreshes that account's existing connection), audits it,
 * and ends on a page that tells the sidebar. Authorization codes are single-use at the CRM, so a
 * replayed callback fails at the exchange.
 */
export function oauthRoutes(deps: OAuthDeps): Hono {
  const now = () => deps.now?.() ?? Date.now();
  /** The CRM of the URL, and the sealed flow value, which must have been sealed for that same CRM. */
  const openFlow = (crm: string, purpose: SealedPurpose, value: string | undefined) => {
    const entry = configured(deps.crms, crm);
    const flow = openState(deps.keyring, purpose, value ?? '', now());
    if (flow.crm !== entry.crm)
      throw new RowbridgeError('oauth_state_invalid', 'This connect link is for another CRM.');
    return { entry, flow };
  };
  return new Hono()
    .get('/:crm/start', async (c) => {
      try {
        const { entry, flow: ticket } = openFlow(c.req.param('crm'), 'oauth-start', c.req.query('ticket'));
        // Checked again although sealed: the policy may have changed since the ticket was issued.
        const loginUrl = loginUrlFor(entry, ticket.loginUrl);
        const client = entry.client(loginUrl ? { loginUrl } : {});
        const codeVerifier = client.pkce ? newCodeVerifier() : undefined;
        const { expiresAt: _, nonce: __, loginUrl: ___, ...flow } = ticket;
        const state = sealState(
          deps.keyring,
          'oauth-state',
          { ...flow, ...(loginUrl ? { loginUrl } : {}), ...(codeVerifier ? { codeVerifier } : {}) },
          now(),
        );
        return c.redirect(await authorizeUrl(client, state, codeVerifier), 302);
      } catch (error) {
        return c.html(popupPage({ ok: false, message: messageOf(error) }), statusOf(error));
      }
    })
    .get('/:crm/callback', async (c) => {
      try {
        const { entry, flow: state } = openFlow(c.req.param('crm'), 'oauth-state', c.req.query('state'));
        const flow = flowOf(state);
        const client = entry.client(flow);
        const tokens = await exchangeCode(client, new URL(c.req.url), state.codeVerifier, now());
        const account = await entry.account(tokens, flow);
        const where = {
          ...(account.instanceUrl ? { instanceUrl: account.instanceUrl } : {}),
          ...(account.loginUrl ? { loginUrl: account.loginUrl } : {}),
          ...(account.crmUserId ? { crmUserId: account.crmUserId } : {}),
        };
        const credentials = {
          kind: 'oauth' as const,
          accessToken: tokens.accessToken,
          ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
          ...(tokens.expiresAt ? { expiresAt: tokens.expiresAt } : {}),
        };
        const expiresAt = tokens.expiresAt ? new Date(tokens.expiresAt) : null;
        const scopes = tokens.scope?.split(/[\s,]+/).filter(Boolean) ?? client.scopes;
        const existing = (
          await deps.db.repos.connections.listForSpreadsheet(state.tenantId, state.spreadsheetId)
        ).find((connection) => connection.crm === entry.crm && connection.accountId === account.accountId);
        const connection = existing
          ? await reconnect(deps, existing, credentials, { expiresAt, scopes }, where)
          : await createConnection(deps.db, deps.keyring, state.tenantId, {
              spreadsheetId: state.spreadsheetId,
              crm: entry.crm,
              label: account.label,
              accountId: account.accountId,
              ...where,
              expiresAt,
              scopes,
              createdBy: state.userId,
              credentials,
            });
        if (!connection)
          throw new RowbridgeError('crm_unavailable', 'The connection changed while connecting. Try again.');
        const user = await deps.db.repos.tenants.getUser(state.tenantId, state.userId);
        await deps.db.repos.audit.append(state.tenantId, [
          {
            target: 'connection',
            source: 'user',
            actor: user?.email ?? state.userId,
            action: existing ? 'connection.reconnected' : 'connection.created',
            newValue: `${entry.crm} ${account.accountId}`,
          },
        ]);
        return c.html(
          popupPage({ ok: true, crm: entry.crm, connectionId: connection.id, label: account.label }),
        );
      } catch (error) {
        if (!isRowbridgeError(error)) deps.logger?.error({ err: error }, 'OAuth callback failed');
        return c.html(popupPage({ ok: false, message: messageOf(error) }), statusOf(error));
      }
    });
}

/**
 * Stores new tokens on an existing connection of the same account, and where the account now lives (a
 * reconnect through another login host, an org Salesforce moved).
 */
async function reconnect(
  deps: OAuthDeps,
  existing: Connection,
  credentials: CrmCredentials,
  extra: { expiresAt: Date | null; scopes: readonly string[] },
  where: { instanceUrl?: string; loginUrl?: string; crmUserId?: string },
): Promise<Connection | undefined> {
  const replaced = await replaceCredentials(deps.db, deps.keyring, existing, credentials, extra);
  if (!replaced || Object.keys(where).length === 0) return replaced;
  return deps.db.repos.connections.update(existing.tenantId, existing.id, where);
}

function messageOf(error: unknown): string {
  return isRowbridgeError(error)
    ? error.message
    : 'Connecting failed on the server; it has been logged. Try again.';
}

function statusOf(error: unknown): 400 | 500 | 502 {
  if (!isRowbridgeError(error)) return 500;
  return error.code === 'crm_unavailable' ? 502 : 400;
}
