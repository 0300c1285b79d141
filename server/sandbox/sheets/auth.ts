import type { Context, MiddlewareHandler } from 'hono';
import type { Env } from './core.ts';
import { GoogleApiError } from './errors.ts';

const SEE = 'See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/** The bearer token of a request, if it has one. */
export function bearerOf(c: Context): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  return match?.[1];
}

/**
 * Every API call needs `Authorization: Bearer <token>`. The sandbox has no Google sign-in to check tokens
 * against, so any token is accepted unless `accepted` lists the valid ones. Texts as Google answers them
 * (captured in client issues): 401 UNAUTHENTICATED "Request is missing required authentication credential..."
 * with `ErrorInfo` reason CREDENTIALS_MISSING, and "Request had invalid authentication credentials..." for a
 * token it does not know.
 */
export function authenticate(accepted: ReadonlySet<string> | undefined): MiddlewareHandler<Env> {
  return async (c, next) => {
    const token = bearerOf(c);
    if (token === undefined) {
      throw new GoogleApiError(
        401,
        'UNAUTHENTICATED',
        `Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. ${SEE}`,
        {
          errors: [
            {
              message: 'Login Required.',
              domain: 'global',
              reason: 'required',
              location: 'Authorization',
              locationType: 'header',
            },
          ],
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'CREDENTIALS_MISSING',
              domain: 'googleapis.com',
            },
          ],
        },
      );
    }
    if (accepted && !accepted.has(token)) {
      throw new GoogleApiError(
        401,
        'UNAUTHENTICATED',
        `Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. ${SEE}`,
      );
    }
    c.set('token', token);
    await next();
  };
}
