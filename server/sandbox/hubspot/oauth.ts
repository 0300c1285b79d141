import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { actorForToken, type Core, type Env } from './core.ts';
import { HubSpotError } from './errors.ts';
import type { AccessTokenRecord, SandboxData } from './model.ts';

/** Authorization codes are single-use and short-lived. */
const CODE_TTL_MS = 5 * 60_000;

function opaque(prefix: string, bytes: number): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/** Issues an OAuth access token for the portal's user, expiring after the configured lifetime. */
export function issueAccessToken(
  core: Core,
  data: SandboxData,
  grant: { scopes: readonly string[]; userId: number; user: string },
): AccessTokenRecord {
  const now = core.now();
  const record: AccessTokenRecord = {
    token: opaque('C', 48),
    kind: 'oauth',
    appId: core.config.appId,
    scopes: grant.scopes,
    userId: grant.userId,
    user: grant.user,
    issuedAt: now,
    expiresAt: now + core.config.accessTokenTtlSeconds * 1000,
  };
  data.accessTokens[record.token] = record;
  // Long-expired tokens are dropped so the state file does not grow without bound.
  for (const [token, old] of Object.entries(data.accessTokens)) {
    if (old.expiresAt !== undefined && old.expiresAt < now - 86_400_000) delete data.accessTokens[token];
  }
  return record;
}

/** A private app token (`pat-na1-<uuid>`, like HubSpot's): never expires. */
export function createPrivateAppToken(core: Core, scopes: readonly string[], appId: number): string {
  const token = `pat-na1-${randomUUID()}`;
  core.store.write((data) => {
    data.accessTokens[token] = {
      token,
      kind: 'private',
      appId,
      scopes,
      userId: core.config.user.id,
      user: core.config.user.email,
      issuedAt: core.now(),
    };
  });
  return token;
}

/** "expired 75 second(s) ago", "3 minute(s)", "2 hour(s)", "20543 day(s)", as HubSpot words it. */
function ago(ms: number): string {
  const seconds = Math.max(1, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} second(s)`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} minute(s)`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} hour(s)`;
  return `${Math.floor(seconds / 86_400)} day(s)`;
}

function expired(record: AccessTokenRecord, now: number): HubSpotError | undefined {
  if (record.expiresAt === undefined || record.expiresAt > now) return undefined;
  return new HubSpotError(
    401,
    'EXPIRED_AUTHENTICATION',
    `The OAuth token used to make this call expired ${ago(now - record.expiresAt)} ago.`,
    { context: { 'expire time': [new Date(record.expiresAt).toISOString()] } },
  );
}

const NOT_AUTHENTICATED = new HubSpotError(
  401,
  'INVALID_AUTHENTICATION',
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
);

/** The bearer token of a request, if any. */
export function bearerOf(c: Context): string | undefined {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/**
 * Requires a live access token: unknown or missing is 401 `INVALID_AUTHENTICATION`, expired is 401
 * `EXPIRED_AUTHENTICATION` ("The OAuth token used to make this call expired N second(s) ago.").
 */
export function authenticate(core: Core): MiddlewareHandler<Env> {
  return async (c, next) => {
    const token = bearerOf(c);
    const record = token ? core.store.read().accessTokens[token] : undefined;
    if (!record) throw NOT_AUTHENTICATED;
    const problem = expired(record, core.now());
    if (problem) throw problem;
    c.set('token', record);
    c.set('actor', actorForToken(record));
    await next();
  };
}

/** The token endpoint's refusals carry OAuth's `error` beside HubSpot's own `status` and `message`. */
function tokenError(c: Context, status: string, error: string, message: string) {
  return c.json({ status, message, correlationId: randomUUID(), error, error_description: message }, 400);
}

async function formOf(c: Context): Promise<Record<string, string>> {
  const text = await c.req.text();
  if ((c.req.header('content-type') ?? '').includes('application/json')) {
    try {
      return Object.fromEntries(
        Object.entries(JSON.parse(text) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
      );
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function pkceMatches(challenge: string, method: string | undefined, verifier: string | undefined): boolean {
  if (!verifier) return false;
  if ((method ?? 'plain').toUpperCase() === 'S256') {
    return createHash('sha256').update(verifier).digest('base64url') === challenge;
  }
  return verifier === challenge;
}

/**
 * OAuth: the authorize page (auto-approved: the sandbox has no login UI; `deny=1` refuses), the token
 * endpoint (authorization code, with PKCE when the authorize request had a challenge, and refresh token),
 * token metadata, and refresh token revocation.
 * https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide
 */
export function oauthRoutes(core: Core): Hono<Env> {
  const app = new Hono<Env>();
  const { config } = core;

  // The install URL (https://app.hubspot.com/oauth/authorize in HubSpot): client_id, redirect_uri, scope,
  // optional_scope, state; PKCE's code_challenge too.
  app.get('/oauth/authorize', (c) => {
    const q = (name: string) => c.req.query(name);
    const redirectUri = q('redirect_uri');
    if (q('client_id') !== config.clientId) {
      return c.text(`Authorization failed: unknown client_id ${q('client_id') ?? '(none)'}.`, 400);
    }
    if (!redirectUri || !URL.canParse(redirectUri)) {
      return c.text('Authorization failed: redirect_uri is missing or not a URL.', 400);
    }
    const target = new URL(redirectUri);
    const state = q('state');
    if (q('deny') === '1') {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'The user declined to install the app.');
    } else {
      const code = randomUUID();
      const scopes = [
        ...(q('scope') ?? '').split(/[ +]/),
        ...(q('optional_scope') ?? '').split(/[ +]/),
      ].filter(Boolean);
      const challenge = q('code_challenge');
      const method = q('code_challenge_method');
      core.store.write((data) => {
        data.codes[code] = {
          code,
          clientId: config.clientId,
          redirectUri,
          scopes,
          expiresAt: core.now() + CODE_TTL_MS,
          ...(challenge ? { codeChallenge: challenge } : {}),
          ...(method ? { codeChallengeMethod: method } : {}),
        };
      });
      target.searchParams.set('code', code);
    }
    if (state !== undefined) target.searchParams.set('state', state);
    return c.redirect(target.toString(), 302);
  });

  const token = async (c: Context) => {
    const form = await formOf(c);
    if (form.client_id !== config.clientId) {
      return tokenError(c, 'BAD_CLIENT_ID', 'invalid_client', 'missing or invalid client id');
    }
    if (form.client_secret !== config.clientSecret) {
      return tokenError(c, 'BAD_CLIENT_SECRET', 'invalid_client', 'missing or invalid client secret');
    }
    if (form.grant_type === 'authorization_code') {
      const outcome = core.store.write((data) => {
        const code = form.code ? data.codes[form.code] : undefined;
        if (!code || code.expiresAt <= core.now()) return 'BAD_AUTH_CODE' as const;
        if (form.redirect_uri !== code.redirectUri) return 'BAD_REDIRECT_URI' as const;
        if (
          code.codeChallenge &&
          !pkceMatches(code.codeChallenge, code.codeChallengeMethod, form.code_verifier)
        ) {
          return 'BAD_CODE_VERIFIER' as const;
        }
        delete data.codes[code.code];
        const grant = { scopes: code.scopes, userId: config.user.id, user: config.user.email };
        const refresh = randomUUID();
        data.refreshTokens[refresh] = {
          token: refresh,
          clientId: config.clientId,
          appId: config.appId,
          ...grant,
        };
        return { access: issueAccessToken(core, data, grant), refresh };
      });
      if (outcome === 'BAD_AUTH_CODE')
        return tokenError(c, outcome, 'invalid_grant', 'missing or unknown auth code');
      if (outcome === 'BAD_REDIRECT_URI') {
        return tokenError(
          c,
          outcome,
          'invalid_grant',
          'redirect_uri does not match the one used to authorize',
        );
      }
      if (outcome === 'BAD_CODE_VERIFIER')
        return tokenError(c, outcome, 'invalid_grant', 'code_verifier does not match');
      return c.json(tokenResponse(outcome.access, outcome.refresh, config.accessTokenTtlSeconds));
    }
    if (form.grant_type === 'refresh_token') {
      const access = core.store.write((data) => {
        const refresh = form.refresh_token ? data.refreshTokens[form.refresh_token] : undefined;
        return refresh ? issueAccessToken(core, data, refresh) : undefined;
      });
      if (!access || !form.refresh_token) {
        return tokenError(
          c,
          'BAD_REFRESH_TOKEN',
          'invalid_grant',
          'refresh token is invalid, expired or revoked',
        );
      }
      return c.json(tokenResponse(access, form.refresh_token, config.accessTokenTtlSeconds));
    }
    return tokenError(
      c,
      'BAD_GRANT_TYPE',
      'unsupported_grant_type',
      `unsupported grant_type ${form.grant_type ?? ''}`,
    );
  };
  // https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/create-oauth-token
  app.post('/oauth/v1/token', token);
  // https://developers.hubspot.com/docs/api-reference/auth-oauth-v3/guide (same parameters, in the body)
  app.post('/oauth/v3/token', token);

  // https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/get-oauth-token-metadata
  app.get('/oauth/v1/access-tokens/:token', (c) => {
    const record = core.store.read().accessTokens[c.req.param('token')];
    if (!record) throw new HubSpotError(404, 'OBJECT_NOT_FOUND', 'Token not found');
    const problem = expired(record, core.now());
    if (problem) throw problem;
    return c.json({
      token: record.token,
      user: record.user,
      hub_domain: `sandbox-${config.portalId}.hubspot.test`,
      scopes: record.scopes,
      hub_id: config.portalId,
      app_id: record.appId,
      expires_in: record.expiresAt === undefined ? 0 : Math.floor((record.expiresAt - core.now()) / 1000),
      user_id: record.userId,
      token_type: 'access',
    });
  });

  app.get('/oauth/v1/refresh-tokens/:token', (c) => {
    const record = core.store.read().refreshTokens[c.req.param('token')];
    if (!record) throw new HubSpotError(404, 'OBJECT_NOT_FOUND', 'Token not found');
    return c.json({
      token: record.token,
      user: record.user,
      hub_domain: `sandbox-${config.portalId}.hubspot.test`,
      scopes: record.scopes,
      hub_id: config.portalId,
      client_id: record.clientId,
      user_id: record.userId,
      token_type: 'refresh',
    });
  });

  app.delete('/oauth/v1/refresh-tokens/:token', (c) => {
    core.store.write((data) => {
      delete data.refreshTokens[c.req.param('token')];
    });
    return c.body(null, 204);
  });

  return app;
}

function tokenResponse(access: AccessTokenRecord, refreshToken: string, ttlSeconds: number) {
  return {
    token_type: 'bearer',
    refresh_token: refreshToken,
    access_token: access.token,
    expires_in: ttlSeconds,
  };
}

/** Makes every current OAuth access token expire now (fault injection); private app tokens are unaffected. */
export function expireAllTokens(core: Core): void {
  core.store.write((data) => {
    const now = core.now();
    for (const record of Object.values(data.accessTokens)) {
      if (record.kind === 'oauth' && (record.expiresAt ?? 0) > now) record.expiresAt = now - 1000;
    }
  });
}
