/**
 * Keeps secrets out of logs and error output. Two nets, because neither is enough alone:
 *
 * - a process-wide registry of known secret values (`registerSecret`): catches a token wherever it ends
 *   up, even inside a third-party error message, but only once the process knows the value;
 * - patterns for the places secrets usually sit (Bearer tokens, `password=`/`"refresh_token":` fields,
 *   `Authorization`/`Cookie`/signature headers, passwords in URLs): catches values never registered.
 *
 * `redact()` runs over whole serialized log lines, so every replacement keeps JSON valid: a value is
 * replaced inside its quotes, and an unquoted JSON value (`"password":123`) becomes a quoted string.
 */

import { AsyncLocalStorage } from 'node:async_hooks';

/** What every redacted value becomes. */
export const REDACTED = '[REDACTED]';

/** Shorter values are refused: redacting "admin" or "test" everywhere would garble ordinary log lines. */
export const MIN_SECRET_LENGTH = 8;

// Registered secrets indexed by their first MIN_SECRET_LENGTH characters, longest first in each bucket.
// One map lookup per character of the text keeps redaction linear in line length however many tokens
// are registered (a regex alternation of thousands of tokens costs tens of µs per line).
const secretsByPrefix = new Map<string, string[]>();

// Secrets that belong to one request (its Authorization and Cookie values): redacted while that request
// runs, then forgotten, so the process-wide registry does not grow with every request.
const scopedSecrets = new AsyncLocalStorage<readonly string[]>();

/**
 * Adds a secret value (a CRM token, a client secret) to the process-wide registry that `redact` removes.
 * The JSON-escaped and URL-encoded spellings are registered too, since logs hold values in those forms.
 * Returns false, registering nothing, for values shorter than `MIN_SECRET_LENGTH`.
 */
export function registerSecret(value: string): boolean {
  if (value.length < MIN_SECRET_LENGTH) return false;
  for (const variant of variants(value)) {
    const prefix = variant.slice(0, MIN_SECRET_LENGTH);
    const bucket = secretsByPrefix.get(prefix) ?? [];
    if (bucket.includes(variant)) continue;
    bucket.push(variant);
    bucket.sort((a, b) => b.length - a.length);
    secretsByPrefix.set(prefix, bucket);
  }
  return true;
}

/**
 * Runs `fn` with `values` redacted from everything logged inside it, including async work it starts.
 * For values that are secret only in one request's context; short values are ignored as in `registerSecret`.
 */
export function withScopedSecrets<T>(values: readonly string[], fn: () => T): T {
  const all = values.filter((value) => value.length >= MIN_SECRET_LENGTH).flatMap(variants);
  const outer = scopedSecrets.getStore() ?? [];
  return scopedSecrets.run(
    [...outer, ...all].sort((a, b) => b.length - a.length),
    fn,
  );
}

/** The spellings a value takes in logs: raw, JSON-escaped once and twice, URL-encoded. */
function variants(value: string): string[] {
  const jsonOnce = JSON.stringify(value).slice(1, -1);
  const jsonTwice = JSON.stringify(jsonOnce).slice(1, -1);
  return [...new Set([value, jsonOnce, jsonTwice, encodeURIComponent(value)])];
}

// Field names whose value is a secret, with any prefix (`db_password`, `hubspotAccessToken`).
const SECRET_FIELD =
  /(?<![A-Za-z0-9_-])([A-Za-z0-9_-]*?(?:(?:access|refresh|id)[_-]?token|token|client[_-]?secret|secret|api[_-]?key|encryption[_-]?key|password|passwd|pwd))(\\*["']?)(\s*[:=]\s*)(\\*["'])?(?!\[REDACTED\])([^\s"'\\&,;{}[\]()<>]+)/gi;

// Header values run to the end of the line or string: a cookie list holds spaces and semicolons.
const SECRET_HEADER =
  /(?<![A-Za-z0-9_-])((?:proxy-)?authorization|set-cookie|cookie|x-hubspot-signature(?:-v\d+)?|x-api-key)(\\*["']?)(\s*:\s*)(\\*["'])?(?!\[REDACTED\])([^\s"'\\[{][^"'\\\r\n]*)/gi;

// A token is long; "Bearer token" in prose is not one (8 characters is the registry's minimum too).
const BEARER = /\b(Bearer\s+)(?!\[REDACTED\])[A-Za-z0-9\-._~+/]{8,}=*/gi;

// scheme://user:password@host; `/` is excluded from the user part so `http://host:8080/a@b` is left alone.
// The scheme length is bounded so a long dotted run (`a.a.a...`) cannot make the scan quadratic.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]{0,30}:\/\/[^\s:/@"'\\]*:)(?!\[REDACTED\])[^\s/@"'\\]+@/gi;

/**
 * Replaces every registered secret, every scoped secret of the current request and every
 * pattern-matched secret in `text` with `[REDACTED]`.
 * Safe on a JSON log line: the result still parses.
 */
export function redact(text: string): string {
  let out = replaceRegistered(text);
  for (const scoped of scopedSecrets.getStore() ?? []) out = out.replaceAll(scoped, REDACTED);
  out = out.replace(SECRET_HEADER, replaceValue);
  out = out.replace(SECRET_FIELD, replaceValue);
  out = out.replace(BEARER, `$1${REDACTED}`);
  return out.replace(URL_PASSWORD, `$1${REDACTED}@`);
}

/**
 * A copy of an error that is safe to log: message, stack and string properties (pg errors carry
 * `detail`, `query`, ...) redacted, `cause` chain included. Use it wherever an error leaves the process.
 */
export function redactError(error: unknown, depth = 0): Error {
  if (!(error instanceof Error)) return new Error(redact(String(error)));
  const copy = new Error(redact(error.message)) as Error & Record<string, unknown>;
  copy.name = error.name;
  copy.stack = error.stack === undefined ? `${error.name}: ${copy.message}` : redact(error.stack);
  for (const [key, value] of Object.entries(error)) {
    if (key === 'name' || key === 'message' || key === 'stack' || key === 'cause') continue;
    // Objects (request configs, headers) are dropped rather than walked: they are where secrets hide.
    if (typeof value === 'string') copy[key] = redact(value);
    else if (value === null || typeof value !== 'object') copy[key] = value;
  }
  // Bounded: a cause cycle must not hang the error path.
  if (error.cause !== undefined && depth < 5) copy.cause = redactError(error.cause, depth + 1);
  return copy;
}

/**
 * Registers the string values of `value` that sit under secret-looking keys (token, secret, password,
 * key), or `value` itself when it is a string. For credentials just decrypted from storage.
 */
export function registerSecretsIn(value: unknown, depth = 0): void {
  if (typeof value === 'string') {
    registerSecret(value);
    return;
  }
  if (value === null || typeof value !== 'object' || depth > 5) return;
  for (const [key, inner] of Object.entries(value)) {
    if (typeof inner === 'string') {
      if (/token|secret|password|passwd|key|credential/i.test(key)) registerSecret(inner);
    } else {
      registerSecretsIn(inner, depth + 1);
    }
  }
}

function replaceValue(
  _match: string,
  name: string,
  nameQuote: string,
  separator: string,
  valueQuote: string | undefined,
): string {
  // A JSON key with an unquoted value (number, true, null): quote the replacement to keep the JSON valid.
  const quote = valueQuote === undefined && nameQuote !== '' ? nameQuote : '';
  return `${name}${nameQuote}${separator}${valueQuote ?? ''}${quote}${REDACTED}${quote}`;
}

/** Replaces registered secrets; at each position the longest one starting there wins. */
function replaceRegistered(text: string): string {
  if (secretsByPrefix.size === 0) return text;
  let out = '';
  let copied = 0;
  let i = 0;
  while (i <= text.length - MIN_SECRET_LENGTH) {
    const hit = secretsByPrefix.get(text.slice(i, i + MIN_SECRET_LENGTH))?.find((s) => text.startsWith(s, i));
    if (hit) {
      out += text.slice(copied, i) + REDACTED;
      i += hit.length;
      copied = i;
    } else {
      i += 1;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}
