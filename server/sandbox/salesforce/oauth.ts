import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { type Core, type Env, instanceUrlOf } from './core.ts';
import { invalidSession } from './errors.ts';
import type { AccessTokenRecord, SandboxData } from './model.ts';

/** Authorization codes are single-use; Salesforce's expire after 15 minutes. */
const CODE_TTL_MS = 15 * 60_000;

/** Salesforce access tokens look like `<org id (15)>!<opaque>`. */
function accessTokenFor(core: Core): string {
  return `${core.config.organizationId.slice(0, 15)}!AQ${randomBytes(60).toString('base64url')}`;
}

/** Issues an access token for `userId`, expiring after the configured session timeout. */
export function issueAccessToken(core: Core, data: SandboxData, userId: string): AccessTokenRecord {
  const now = core.now();
  const record: AccessTokenRecord = {
    token: accessTokenFor(core),
    userId,
    issuedAt: now,
    expiresAt: now + core.config.accessTokenTtlSeconds * 1000,
  };
  data.accessTokens[record.token] = record;
  // Long-expired tokens are dropped so the state file does not grow without bound.
  for (const [token, old] of Object.entries(data.accessTokens)) {
    if (old.expiresAt < now - 86_400_000) delete data.accessTokens[token];
  }
  return record;
}

/** The bearer token of a request, if any. */
export function bearerOf(c: Context): string | undefined {
  const match = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
  return match?.[1];
}

/** The live access-token record for `token`, or undefined when unknown, revoked or expired. */
export function liveToken(core: Core, token: string | undefined): AccessTokenRecord | undefined {
  const record = token ? core.store.read().accessTokens[token] : undefined;
  return record && record.expiresAt > core.now() ? record : undefined;
}

/** Requires a live access token: 401 `INVALID_SESSION_ID` "Session expired or invalid" otherwise. */
export function authenticate(core: Core): MiddlewareHandler<Env> {
  return async (c, next) => {
    const record = liveToken(core, bearerOf(c));
    if (!record) throw invalidSession();
    c.set('token', record);
    c.set('actor', { userId: record.userId, kind: 'api' });
    await next();
  };
}

function tokenError(c: Context, error: string, description: string, status: 400 | 401 = 400) {
  return c.json({ error, error_description: description }, status);
}

function pkceMatches(challenge: string, method: string | undefined, verifier: string | undefined): boolean {
  if (!verifier) return false;
  if ((method ?? 'S256').toUpperCase() === 'S256') {
    return createHash('sha256').update(verifier).digest('base64url') === challenge;
  }
  return verifier === challenge;
}

/** The identity URL (`id` of token responses): `<login host>/id/<org id>/<user id>`. */
export function identityUrl(c: Context, core: Core, userId: string): string {
  return `${instanceUrlOf(c, core.config)}/id/${core.config.organizationId}/${userId}`;
}

/**
 * The OAuth 2.0 web server flow with PKCE and the refresh token flow
 * (https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm): authorize
 * (approved at once; `deny=1` or `consent.deny` refuses), token, revoke, userinfo and the identity URL.
 */
export function oauthRoutes(core: Core, consent: { deny: boolean }): Hono<Env> {
  const app = new Hono<Env>();
  const { config } = core;

  app.get('/services/oauth2/authorize', (c) => {
    const q = (name: string) => c.req.query(name);
    const redirectUri = q('redirect_uri');
    if (q('client_id') !== config.clientId) {
      return c.text('error=invalid_client_id&error_description=client%20identifier%20invalid', 400);
    }
    if (!redirectUri || !URL.canParse(redirectUri)) {
      return c.text(
        'error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration',
        400,
      );
    }
    const target = new URL(redirectUri);
    if (q('deny') === '1' || consent.deny) {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'end-user denied authorization');
    } else {
      const code = `aPrx${randomBytes(32).toString('base64url')}`;
      const challenge = q('code_challenge');
      const method = q('code_challenge_method');
      core.store.write((data) => {
        data.codes[code] = {
          code,
          redirectUri,
          scopes: (q('scope') ?? 'api refresh_token').split(/[ +]/).filter(Boolean),
          expiresAt: core.now() + CODE_TTL_MS,
          ...(challenge ? { codeChallenge: challenge } : {}),
          ...(method ? { codeChallengeMethod: method } : {}),
        };
      });
      target.searchParams.set('code', code);
    }
    const state = q('state');
    if (state !== undefined) target.searchParams.set('state', state);
    return c.redirect(target.toString(), 302);
  });

  app.post('/services/oauth2/token', async (c) => {
    const form = Object.fromEntries(new URLSearchParams(await c.req.text()));
    if (form.client_id !== config.clientId)
      return tokenError(c, 'invalid_client_id', 'client identifier invalid');
    if (form.client_secret !== undefined && form.client_secret !== config.clientSecret) {
      return tokenError(c, 'invalid_client', 'invalid client credentials');
    }
    if (form.grant_type === 'authorization_code') {
      if (form.client_secret === undefined)
        return tokenError(c, 'invalid_client', 'invalid client credentials');
      const outcome = core.store.write((data) => {
        const code = form.code ? data.codes[form.code] : undefined;
        if (!code || code.expiresAt <= core.now()) return 'expired authorization code';
        if (form.redirect_uri !== code.redirectUri) return 'redirect_uri must match configuration';
        if (
          code.codeChallenge &&
          !pkceMatches(code.codeChallenge, code.codeChallengeMethod, form.code_verifier)
        ) {
          return 'invalid code verifier';
        }
        delete data.codes[code.code];
        const refresh = `5Aep${randomBytes(48).toString('base64url')}`;
        data.refreshTokens[refresh] = { token: refresh, userId: config.apiUser.id, scopes: code.scopes };
        return { access: issueAccessToken(core, data, config.apiUser.id), refresh, scopes: code.scopes };
      });
      if (typeof outcome === 'string') return tokenError(c, 'invalid_grant', outcome);
      return c.json(tokenResponse(c, core, outcome.access, outcome.scopes, outcome.refresh));
    }
    if (form.grant_type === 'refresh_token') {
      const outcome = core.store.write((data) => {
        const refresh = form.refresh_token ? data.refreshTokens[form.refresh_token] : undefined;
        if (!refresh) return undefined;
        let rotated: string | undefined;
        if (config.rotateRefreshTokens) {
          // Rotation: the old refresh token stops working the moment a new one is issued.
          delete data.refreshTokens[refresh.token];
          rotated = `5Aep${randomBytes(48).toString('base64url')}`;
          data.refreshTokens[rotated] = { ...refresh, token: rotated };
        }
        return { access: issueAccessToken(core, data, refresh.userId), scopes: refresh.scopes, rotated };
      });
      if (!outcome) return tokenError(c, 'invalid_grant', 'expired access/refresh token');
      return c.json(tokenResponse(c, core, outcome.access, outcome.scopes, outcome.rotated));
    }
    return tokenError(c, 'unsupported_grant_type', 'grant type not supported');
  });

  // https://help.salesforce.com/s/articleView?id=sf.remoteaccess_revoke_token.htm
  app.post('/services/oauth2/revoke', async (c) => {
    const token = new URLSearchParams(await c.req.text()).get('token') ?? c.req.query('token') ?? '';
    const revoked = core.store.write((data) => {
      if (data.refreshTokens[token]) {
        const { userId } = data.refreshTokens[token];
        delete data.refreshTokens[token];
        // Revoking a refresh token ends the sessions it started.
        for (const [key, access] of Object.entries(data.accessTokens))
          if (access.userId === userId) delete data.accessTokens[key];
        return true;
      }
      if (data.accessTokens[token]) {
        delete data.accessTokens[token];
        return true;
      }
      return false;
    });
    return revoked
      ? c.body(null, 200)
      : tokenError(c, 'unsupported_token_type', 'this token type is not supported');
  });

  const identity = (c: Context, userId: string) => {
    const user = userId === config.salesUser.id ? config.salesUser : config.apiUser;
    const id = identityUrl(c, core, user.id);
    return { id, user, base: instanceUrlOf(c, core.config) };
  };

  app.get('/services/oauth2/userinfo', (c) => {
    const record = liveToken(core, bearerOf(c));
    if (!record) return c.text('Bad_OAuth_Token', 403);
    const { id, user } = identity(c, record.userId);
    return c.json({
      sub: id,
      user_id: user.id,
      organization_id: config.organizationId,
      preferred_username: user.username,
      name: user.name,
      email: user.username,
      user_type: 'STANDARD',
    });
  });

  app.get('/id/:org/:user', (c) => {
    const record = liveToken(core, bearerOf(c) ?? c.req.query('oauth_token'));
    if (!record || c.req.param('org') !== config.organizationId) return c.text('Bad_OAuth_Token', 403);
    const { id, user, base } = identity(c, c.req.param('user'));
    return c.json({
      id,
      asserted_user: record.userId === user.id,
      user_id: user.id,
      organization_id: config.organizationId,
      username: user.username,
      display_name: user.name,
      urls: {
        enterprise: `${base}/services/Soap/c/{version}/${config.organizationId.slice(0, 15)}`,
        partner: `${base}/services/Soap/u/{version}/${config.organizationId.slice(0, 15)}`,
        metadata: `${base}/services/Soap/m/{version}/${config.organizationId.slice(0, 15)}`,
        rest: `${base}/services/data/v{version}/`,
        sobjects: `${base}/services/data/v{version}/sobjects/`,
        query: `${base}/services/data/v{version}/query/`,
      },
      active: true,
      user_type: 'STANDARD',
    });
  });

  return app;
}

/**
 * The token endpoint's answer: `access_token, signature, scope, instance_url, id, token_type, issued_at`,
 * plus `refresh_token` from the code exchange (and from a refresh when rotation is on). `signature` is
 * base64 HMAC-SHA256 of `id + issued_at`, keyed with the client secret.
 */
function tokenResponse(
  c: Context,
  core: Core,
  access: AccessTokenRecord,
  scopes: readonly string[],
  refresh?: string,
) {
  const id = identityUrl(c, core, access.userId);
  const issuedAt = String(access.issuedAt);
  return {
    access_token: access.token,
    ...(refresh ? { refresh_token: refresh } : {}),
    signature: createHmac('sha256', core.config.clientSecret)
      .update(id + issuedAt)
      .digest('base64'),
    scope: scopes.join(' '),
    instance_url: instanceUrlOf(c, core.config),
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
  };
}

/** Makes every access token expire now (fault injection): the next call with one gets 401. */
export function expireAllTokens(core: Core): void {
  core.store.write((data) => {
    const now = core.now();
    for (const record of Object.values(data.accessTokens))
      if (record.expiresAt > now) record.expiresAt = now - 1000;
  });
}

/** A token for the API user without the OAuth dance (tests and the CLI). */
export function createAccessToken(core: Core): string {
  return core.store.write((data) => issueAccessToken(core, data, core.config.apiUser.id)).token;
}
