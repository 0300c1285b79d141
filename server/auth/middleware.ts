import type { MiddlewareHandler } from 'hono';
import type { RouteDefinition } from '../../shared/api/define.ts';
import { SHEET_SECRET_HEADER, SPREADSHEET_HEADER } from '../../shared/api/headers.ts';
import { RowbridgeError } from '../../shared/errors.ts';
import type { Repositories } from '../store/repos/index.ts';
import { type IdentityVerifier, tenantKeyOf } from './identity.ts';
import { sheetSecretMatches } from './sheet-secret.ts';

/** The authenticated caller of an add-on route: everything a handler scopes its queries by. */
export interface Caller {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly userId: string;
  readonly email: string;
  /** The bound spreadsheet the call acts for; absent only on routes with `sheetSecret: false`. */
  readonly spreadsheet?: { readonly id: string; readonly googleSpreadsheetId: string };
}

export interface AuthEnv {
  Variables: { caller: Caller };
}

export interface AuthDeps {
  readonly verify: IdentityVerifier;
  readonly repos: Pick<Repositories, 'tenants' | 'spreadsheets'>;
  /** Injected for tests; sign-ins are remembered this long to spare a database write per request. */
  readonly now?: () => number;
}

/** How long a verified sign-in (tenant and user rows) is reused before it is written again. */
const SIGN_IN_TTL_MS = 5 * 60_000;
const SIGN_IN_CACHE_LIMIT = 10_000;

/**
 * Authentication for contract routes, as their `auth` field says. `addon` routes need a valid Google
 * identity token (401 otherwise) and, unless the route opts out, the spreadsheet id and its secret: a
 * spreadsheet not bound to the caller's tenant, or a wrong secret, is 403. Handlers then find the caller
 * in `c.get('caller')` and scope every query by its tenant and spreadsheet (a row of another tenant is
 * then simply not found: 404).
 */
export function authenticate(deps: AuthDeps): (definition: RouteDefinition) => MiddlewareHandler<AuthEnv>[] {
  const now = deps.now ?? Date.now;
  const signIns = new Map<string, { at: number; tenantId: string; tenantName: string; userId: string }>();

  async function signIn(token: string) {
    const identity = await deps.verify(token);
    const cached = signIns.get(identity.sub);
    if (cached && now() - cached.at < SIGN_IN_TTL_MS) return { identity, ...cached };
    const tenantKey = tenantKeyOf(identity);
    const { tenant, user } = await deps.repos.tenants.upsertSignIn({
      tenant: { ...tenantKey, name: tenantKey.kind === 'domain' ? tenantKey.key : identity.email },
      user: { googleSub: identity.sub, email: identity.email },
    });
    if (signIns.size >= SIGN_IN_CACHE_LIMIT) signIns.clear();
    const entry = { at: now(), tenantId: tenant.id, tenantName: tenant.name ?? tenant.key, userId: user.id };
    signIns.set(identity.sub, entry);
    return { identity, ...entry };
  }

  return (definition) => {
    if (definition.auth !== 'addon') return [];
    const addon: MiddlewareHandler<AuthEnv> = async (c, next) => {
      const header = c.req.header('authorization') ?? '';
      const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      if (!token) {
        throw new RowbridgeError(
          'unauthenticated',
          'Sign in with Google first: the request carries no Google identity token (a Bearer token in its Authorization header).',
        );
      }
      const session = await signIn(token);
      let spreadsheet: Caller['spreadsheet'];
      if (definition.sheetSecret !== false) {
        const googleSpreadsheetId = c.req.header(SPREADSHEET_HEADER);
        const secret = c.req.header(SHEET_SECRET_HEADER);
        if (!googleSpreadsheetId || !secret) {
          throw new RowbridgeError(
            'unauthenticated',
            `This call needs the spreadsheet's id and secret (${SPREADSHEET_HEADER}, ${SHEET_SECRET_HEADER}). Open the Rowbridge sidebar in the sheet to connect it.`,
          );
        }
        const bound = await deps.repos.spreadsheets.getByGoogleId(session.tenantId, googleSpreadsheetId);
        // One answer for "not yours" and "wrong secret", so the response does not reveal which sheets exist.
        if (!bound || !sheetSecretMatches(secret, bound.secretHash)) {
          throw new RowbridgeError(
            'forbidden',
            'This spreadsheet is not connected to Rowbridge for your account, or its secret does not match. Open the sidebar in the sheet to reconnect it.',
          );
        }
        spreadsheet = { id: bound.id, googleSpreadsheetId };
      }
      c.set('caller', {
        tenantId: session.tenantId,
        tenantName: session.tenantName,
        userId: session.userId,
        email: session.identity.email,
        ...(spreadsheet ? { spreadsheet } : {}),
      });
      await next();
    };
    return [addon];
  };
}

/** The caller of an add-on route (set by `authenticate`). */
export function callerOf(c: { get(key: 'caller'): Caller }): Caller {
  return c.get('caller');
}

/** The caller's spreadsheet; routes that reach here without one are misconfigured (`sheetSecret: false`). */
export function spreadsheetOf(caller: Caller): { id: string; googleSpreadsheetId: string } {
  if (!caller.spreadsheet) throw new RowbridgeError('internal', 'This route needs a bound spreadsheet.');
  return caller.spreadsheet;
}
