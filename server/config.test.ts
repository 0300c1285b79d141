import { describe, expect, it } from 'vitest';
import { isRowbridgeError } from '../shared/errors.ts';
import { loadConfig } from './config.ts';

function failure(env: Record<string, string>): { message: string; fields: string[] } {
  try {
    loadConfig(env);
  } catch (error) {
    if (!isRowbridgeError(error) || error.code !== 'config_invalid') throw error;
    return { message: error.message, fields: error.problems.map((problem) => String(problem.path?.[0])) };
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('starts in sandbox mode on the embedded database with no variables at all', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      mode: 'sandbox',
      port: 8787,
      publicUrl: 'http://localhost:8787',
      logLevel: 'info',
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/\.rowbridge$/);
  });

  it('switches to production when any credential is configured, and then requires what production needs', () => {
    const { fields, message } = failure({ HUBSPOT_CLIENT_ID: 'abc', HUBSPOT_CLIENT_SECRET: 'def' });
    expect(fields).toEqual(['ROWBRIDGE_ENCRYPTION_KEY', 'GOOGLE_ADDON_CLIENT_ID', 'ROWBRIDGE_PUBLIC_URL']);
    expect(message).toMatch(
      /^Invalid configuration \(3 problems\): ROWBRIDGE_ENCRYPTION_KEY: is required in production/,
    );
  });

  it('wants both halves of a CRM app registration', () => {
    expect(failure({ HUBSPOT_CLIENT_ID: 'abc' }).fields).toContain('HUBSPOT_CLIENT_SECRET');
    const config = loadConfig({
      HUBSPOT_CLIENT_ID: 'abc',
      HUBSPOT_CLIENT_SECRET: 'def',
      GOOGLE_ADDON_CLIENT_ID: 'client',
      ROWBRIDGE_ENCRYPTION_KEY: 'k1:AAAA',
      ROWBRIDGE_PUBLIC_URL: 'https://rb.example.com',
    });
    expect(config.crms.hubspot).toEqual({ clientId: 'abc', clientSecret: 'def' });
  });

  it('takes a Salesforce connected app, both halves or neither, and a Salesforce login host only', () => {
    const production = {
      GOOGLE_ADDON_CLIENT_ID: 'client',
      ROWBRIDGE_ENCRYPTION_KEY: 'k1:AAAA',
      ROWBRIDGE_PUBLIC_URL: 'https://rb.example.com',
    };
    expect(failure({ ...production, SALESFORCE_CLIENT_SECRET: 'def' }).fields).toEqual([
      'SALESFORCE_CLIENT_ID',
    ]);
    const config = loadConfig({
      ...production,
      SALESFORCE_CLIENT_ID: 'key',
      SALESFORCE_CLIENT_SECRET: 'secret',
    });
    expect(config.crms.salesforce).toEqual({
      clientId: 'key',
      clientSecret: 'secret',
      loginUrl: 'https://login.salesforce.com',
    });
    const myDomain = loadConfig({
      ...production,
      SALESFORCE_CLIENT_ID: 'key',
      SALESFORCE_CLIENT_SECRET: 'secret',
      SALESFORCE_LOGIN_URL: 'https://Acme.my.salesforce.com/',
    });
    expect(myDomain.crms.salesforce?.loginUrl).toBe('https://acme.my.salesforce.com');
    const refused = failure({
      ...production,
      SALESFORCE_CLIENT_ID: 'key',
      SALESFORCE_CLIENT_SECRET: 'secret',
      SALESFORCE_LOGIN_URL: 'https://login.evil.example',
    });
    expect(refused.fields).toEqual(['SALESFORCE_LOGIN_URL']);
    expect(refused.message).toContain('not a Salesforce login host');
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig({
      GOOGLE_ADDON_CLIENT_ID: 'client.apps.googleusercontent.com',
      ROWBRIDGE_ENCRYPTION_KEY: 'k1:AAAA',
      ROWBRIDGE_PUBLIC_URL: 'https://rowbridge.example.com/',
      DATABASE_URL: 'postgres://rowbridge@db.internal:5432/rowbridge',
    });
    expect(config).toMatchObject({
      mode: 'production',
      publicUrl: 'https://rowbridge.example.com',
      databaseUrl: 'postgres://rowbridge@db.internal:5432/rowbridge',
      identity: { audience: 'client.apps.googleusercontent.com' },
    });
  });

  it('lists every bad or missing variable in one error, without echoing values', () => {
    const { fields, message } = failure({
      ROWBRIDGE_MODE: 'production',
      PORT: 'eighty',
      DATABASE_URL: 'mysql://root:hunter2secret@db/x',
      LOG_LEVEL: 'loud',
      ROWBRIDGE_PUBLIC_URL: 'ftp://files',
    });
    expect(fields.sort()).toEqual(
      [
        'DATABASE_URL',
        'GOOGLE_ADDON_CLIENT_ID',
        'LOG_LEVEL',
        'PORT',
        'ROWBRIDGE_ENCRYPTION_KEY',
        'ROWBRIDGE_PUBLIC_URL',
      ].sort(),
    );
    expect(message).toContain('(6 problems)');
    expect(message).not.toContain('hunter2secret');
    expect(message.split('\n')).toHaveLength(1);
  });

  it('treats empty variables as unset and rejects an unknown mode', () => {
    expect(loadConfig({ PORT: ' ', DATABASE_URL: '' })).toMatchObject({ port: 8787 });
    expect(failure({ ROWBRIDGE_MODE: 'staging' }).fields).toEqual(['ROWBRIDGE_MODE']);
  });
});
