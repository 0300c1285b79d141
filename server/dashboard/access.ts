import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { RowbridgeError } from '../../shared/errors.ts';
import type { Mode } from '../app.ts';

/** Who may open the dashboard: a token when one is configured; else this machine only, and only in sandbox. */
export interface DashboardAccess {
  readonly mode: Mode;
  /** `ROWBRIDGE_DASHBOARD_TOKEN`. */
  readonly token?: string | undefined;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

// Hashing first gives both sides the same length, which timingSafeEqual needs, without leaking the length.
const digest = (value: string) => createHash('sha256').update(value).digest();

function sameSecret(given: string, token: string): boolean {
  return timingSafeEqual(digest(given), digest(token));
}

/** The token from `Authorization: Bearer <token>`, or the password of Basic auth (any user name). */
function presentedToken(header: string | undefined): string | undefined {
  const [scheme, value] = header?.trim().split(/\s+/, 2) ?? [];
  if (!scheme || !value) return undefined;
  if (scheme.toLowerCase() === 'bearer') return value;
  if (scheme.toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/** The peer's address on Node's server; undefined when the app runs without one (in-process tests). */
function remoteAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

/**
 * Guards the dashboard, which shows every tenant's audit trail and errors:
 * - with a token, every request must carry it (Bearer, or Basic with the token as password so a
 *   browser can sign in from its login prompt), in either mode;
 * - without one, production keeps the dashboard off (404 saying how to turn it on), and sandbox mode
 *   answers requests from this machine only, since it listens on every interface by default.
 */
export function dashboardAccess(access: DashboardAccess): MiddlewareHandler {
  return async (c, next) => {
    if (access.token) {
      const given = presentedToken(c.req.header('authorization'));
      if (given === undefined || !sameSecret(given, access.token)) {
        // Browsers show their sign-in prompt on this header; the user name is ignored.
        c.header('WWW-Authenticate', 'Basic realm="Rowbridge dashboard", charset="UTF-8"');
        throw new RowbridgeError(
          'unauthenticated',
          'The dashboard needs its token: send "Authorization: Bearer <ROWBRIDGE_DASHBOARD_TOKEN>", or sign in with any user name and the token as password.',
        );
      }
    } else if (access.mode === 'production') {
      throw new RowbridgeError(
        'not_found',
        'The dashboard is off: set ROWBRIDGE_DASHBOARD_TOKEN to turn it on (see docs/production.md).',
      );
    } else if (!LOOPBACK.test(remoteAddress(c) ?? '')) {
      throw new RowbridgeError(
        'forbidden',
        'In sandbox mode the dashboard answers this machine only; set ROWBRIDGE_DASHBOARD_TOKEN to open it to others.',
      );
    }
    await next();
  };
}
