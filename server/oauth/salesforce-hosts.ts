import { RowbridgeError } from '../../shared/errors.ts';

/** Salesforce's production login host, the default. */
export const SALESFORCE_PRODUCTION_LOGIN = 'https://login.salesforce.com';
/** Where sandbox orgs (Salesforce's own test copies of an org) sign in. */
export const SALESFORCE_SANDBOX_LOGIN = 'https://test.salesforce.com';

/** The two shared login hosts; every other login host must be an org's My Domain. */
const SHARED_LOGIN_HOSTS = new Set(['login.salesforce.com', 'test.salesforce.com']);

/**
 * An org's My Domain: one label (letters, digits, single hyphens; `--` joins a sandbox's name) directly
 * under `my.salesforce.com` or one of its Salesforce-run kinds (`sandbox.`, `develop.` for Developer
 * Edition, `scratch.` for scratch orgs). One label only: `evil.example.my.salesforce.com` is not a My
 * Domain. https://help.salesforce.com/s/articleView?id=sf.domain_name_formats.htm
 */
const MY_DOMAIN =
  /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])|--(?=[a-z0-9])){0,62}\.(?:(?:sandbox|develop|scratch)\.)?my\.salesforce\.com$/;

/** Where login URLs come from, so a refusal names what to fix. */
export type LoginUrlSource = 'request' | 'SALESFORCE_LOGIN_URL';

/**
 * What a login URL may be on this companion: in production, Salesforce's own hosts; in sandbox mode only
 * the sandbox org this companion serves (`<public URL>/sandbox/salesforce`), which is plain http on a
 * laptop. The sandbox mount is read per call: a companion on port 0 learns its URL late.
 */
export type LoginUrlPolicy =
  | { readonly kind: 'production'; readonly defaultUrl: string }
  | { readonly kind: 'sandbox'; readonly mount: () => string };

function refuse(source: LoginUrlSource, message: string): RowbridgeError {
  const where = source === 'request' ? 'loginUrl' : 'SALESFORCE_LOGIN_URL';
  return new RowbridgeError(
    source === 'request' ? 'invalid_input' : 'config_invalid',
    `${where}: ${message}`,
    [
      {
        code: source === 'request' ? 'invalid_input' : 'config_invalid',
        message: `${where}: ${message}`,
        path: [where],
      },
    ],
  );
}

const ALLOWED =
  'use https://login.salesforce.com (production), https://test.salesforce.com (a sandbox org) or your My Domain, such as https://acme.my.salesforce.com';

/**
 * Checks a Salesforce login URL chosen by a user (or an administrator) and returns its canonical form,
 * `https://<host>`. The connect flow sends the user's browser there and then the authorization code and
 * client secret, so anything but a Salesforce host would be an open redirect and a credential leak:
 *
 * - https only, no user info, no port other than 443, no path, query or fragment;
 * - the host is `login.salesforce.com`, `test.salesforce.com`, or exactly one My Domain label under
 *   `my.salesforce.com`, `sandbox.my.salesforce.com`, `develop.my.salesforce.com` or
 *   `scratch.my.salesforce.com` (lower-cased; IP addresses, other `*.salesforce.com` hosts and look-alike
 *   suffixes such as `my.salesforce.com.evil.test` are refused).
 *
 * @example
 * checkSalesforceLoginUrl('https://Acme.my.salesforce.com/', 'request') // 'https://acme.my.salesforce.com'
 */
export function checkSalesforceLoginUrl(value: string, source: LoginUrlSource): string {
  const text = value.trim();
  if (!URL.canParse(text)) throw refuse(source, `"${text.slice(0, 100)}" is not a URL; ${ALLOWED}.`);
  const url = new URL(text);
  if (url.protocol !== 'https:') throw refuse(source, `must use https; ${ALLOWED}.`);
  if (url.username || url.password) throw refuse(source, 'must not contain a user name or password.');
  if (url.port !== '') throw refuse(source, 'must not name a port.');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || /[?#]/.test(text)) {
    throw refuse(source, 'must be the host alone, without a path, query or fragment.');
  }
  const host = url.hostname.toLowerCase();
  if (!SHARED_LOGIN_HOSTS.has(host) && !MY_DOMAIN.test(host)) {
    throw refuse(source, `${host} is not a Salesforce login host; ${ALLOWED}.`);
  }
  return `https://${host}`;
}

/**
 * The login URL of a new connect flow: the user's choice (checked as above) or the companion's default.
 * In sandbox mode only the sandbox org's own mount is accepted, so a sandbox companion can never send a
 * browser to a real org with the sandbox's client.
 */
export function resolveSalesforceLoginUrl(requested: string | undefined, policy: LoginUrlPolicy): string {
  if (policy.kind === 'sandbox') {
    const mount = policy.mount().replace(/\/+$/, '');
    if (requested === undefined || requested.trim().replace(/\/+$/, '') === mount) return mount;
    throw refuse(
      'request',
      `this companion runs in sandbox mode and connects only its sandbox org (${mount}); leave loginUrl out.`,
    );
  }
  return requested === undefined ? policy.defaultUrl : checkSalesforceLoginUrl(requested, 'request');
}

/**
 * Checks the `instance_url` of a token answer before any token or data is sent there: https on a
 * `*.salesforce.com` host (production), or the sandbox org's mount (sandbox mode). The answer comes from
 * the login host over TLS, so this is a second net, not the first.
 */
export function checkSalesforceInstanceUrl(value: unknown, policy: LoginUrlPolicy): string {
  const text = typeof value === 'string' ? value.trim().replace(/\/+$/, '') : '';
  if (policy.kind === 'sandbox') {
    if (text === policy.mount().replace(/\/+$/, '')) return text;
  } else if (URL.canParse(text)) {
    const url = new URL(text);
    const host = url.hostname.toLowerCase();
    const plain = !url.username && !url.password && !url.port && (url.pathname === '/' || !url.pathname);
    if (url.protocol === 'https:' && plain && host.endsWith('.salesforce.com') && !url.search) {
      return `https://${host}`;
    }
  }
  throw new RowbridgeError(
    'crm_unavailable',
    'Salesforce answered with an instance URL that is not a Salesforce host, so the connection was not stored. Try connecting again; if it persists, tell your Salesforce administrator.',
  );
}
