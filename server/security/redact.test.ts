import { describe, expect, it } from 'vitest';
import { redact, redactError, registerSecret, registerSecretsIn, withScopedSecrets } from './redact.ts';

describe('registered secrets', () => {
  it('redacts a registered value wherever it appears, also JSON-escaped and URL-encoded', () => {
    const secret = 'rt/"quoted"+value&more';
    expect(registerSecret(secret)).toBe(true);
    expect(redact(`token ${secret} end`)).toBe('token [REDACTED] end');
    expect(redact(JSON.stringify({ msg: `x ${secret}` }))).toBe('{"msg":"x [REDACTED]"}');
    expect(redact(`?t=${encodeURIComponent(secret)}&a=1`)).toBe('?t=[REDACTED]&a=1');
  });

  it('refuses values shorter than 8 characters, which would garble ordinary words', () => {
    expect(registerSecret('admin')).toBe(false);
    expect(redact('admin logged in')).toBe('admin logged in');
  });

  it('replaces a secret containing another registered secret whole', () => {
    registerSecret('abcdefgh12');
    registerSecret('xxabcdefgh12yy');
    expect(redact('a xxabcdefgh12yy b abcdefgh12')).toBe('a [REDACTED] b [REDACTED]');
  });

  it('registers string fields with secret-looking names from decrypted credentials', () => {
    registerSecretsIn({ instanceUrl: 'https://eu1.example.com', auth: { refreshToken: 'nested-refresh-1' } });
    expect(redact('using nested-refresh-1 at https://eu1.example.com')).toBe(
      'using [REDACTED] at https://eu1.example.com',
    );
  });
});

describe('patterns', () => {
  it.each([
    ['Bearer tokens', 'call failed: Bearer eyJhbGci.payload.sig-_ now', 'call failed: Bearer [REDACTED] now'],
    ['query fields', '/cb?code=1&access_token=at123&state=s', '/cb?code=1&access_token=[REDACTED]&state=s'],
    ['form fields', 'client_secret=cs-1 password=hunter2', 'client_secret=[REDACTED] password=[REDACTED]'],
    ['JSON fields', '{"refresh_token":"rt1","user":"ann"}', '{"refresh_token":"[REDACTED]","user":"ann"}'],
    [
      'camelCase and prefixed fields',
      '{"clientSecret":"a","db_password":"b"}',
      '{"clientSecret":"[REDACTED]","db_password":"[REDACTED]"}',
    ],
    [
      'escaped JSON inside a string',
      '{"msg":"body {\\"password\\":\\"pw1\\"}"}',
      '{"msg":"body {\\"password\\":\\"[REDACTED]\\"}"}',
    ],
    [
      'unquoted JSON values, kept valid',
      '{"password":12345678,"ok":true}',
      '{"password":"[REDACTED]","ok":true}',
    ],
    ['Authorization header text', 'Authorization: Basic dXNlcjpwYXNz', 'Authorization: [REDACTED]'],
    [
      'header JSON',
      '{"authorization":"Token abc","cookie":"sid=1; x=2"}',
      '{"authorization":"[REDACTED]","cookie":"[REDACTED]"}',
    ],
    ['HubSpot signatures', '{"x-hubspot-signature-v3":"sig=="}', '{"x-hubspot-signature-v3":"[REDACTED]"}'],
    [
      'postgres URL passwords',
      'postgres://rowbridge:pg-pass@db:5432/app',
      'postgres://rowbridge:[REDACTED]@db:5432/app',
    ],
  ])('redacts %s', (_what, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('leaves ordinary text, ports and already-redacted values alone', () => {
    for (const text of [
      'http://localhost:8787/healthz?sheet=1',
      '{"code":"secret_unreadable","token_type":"Bearer","keyId":"k1"}',
      '{"password":"[REDACTED]"}',
      'Synced 12 records to hubspot',
    ]) {
      expect(redact(text)).toBe(text);
    }
  });
});

describe('redactError', () => {
  it('copies name, message, stack, string fields and the cause chain, redacted', () => {
    const cause = new Error('db at postgres://u:pgpw-cause@h/db refused');
    const error = Object.assign(new TypeError('sent Bearer tok-123456789', { cause }), {
      detail: 'password=hunter22',
      status: 401,
      config: { headers: { Authorization: 'Bearer tok-123456789' } },
    });
    const safe = redactError(error) as Error & Record<string, unknown>;
    expect(safe.name).toBe('TypeError');
    expect(safe.message).toBe('sent Bearer [REDACTED]');
    expect(safe.stack).toContain('TypeError: sent Bearer [REDACTED]');
    expect(safe.detail).toBe('password=[REDACTED]');
    expect(safe.status).toBe(401);
    expect(safe.config).toBeUndefined();
    expect((safe.cause as Error).message).toBe('db at postgres://u:[REDACTED]@h/db refused');
    expect(JSON.stringify([safe, safe.stack, (safe.cause as Error).stack])).not.toMatch(
      /tok-1|hunter22|pgpw/,
    );
  });

  it('wraps non-errors', () => {
    expect(redactError('password=abc').message).toBe('password=[REDACTED]');
  });
});

describe('withScopedSecrets', () => {
  it('redacts values only inside the scope, including async work started there', async () => {
    const inside = await withScopedSecrets(['scoped-value-123', 'short'], async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return redact('saw scoped-value-123 and short');
    });
    expect(inside).toBe('saw [REDACTED] and short');
    expect(redact('saw scoped-value-123')).toBe('saw scoped-value-123');
  });
});
