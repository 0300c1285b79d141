import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRowbridgeError } from '../../shared/errors.ts';
import {
  checkSalesforceInstanceUrl,
  checkSalesforceLoginUrl,
  type LoginUrlPolicy,
  resolveSalesforceLoginUrl,
} from './salesforce-hosts.ts';

const production: LoginUrlPolicy = { kind: 'production', defaultUrl: 'https://login.salesforce.com' };
const sandbox: LoginUrlPolicy = { kind: 'sandbox', mount: () => 'http://127.0.0.1:8787/sandbox/salesforce' };

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isRowbridgeError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('was accepted');
}

describe('checkSalesforceLoginUrl', () => {
  it.each([
    ['https://login.salesforce.com', 'https://login.salesforce.com'],
    ['https://test.salesforce.com/', 'https://test.salesforce.com'],
    ['  https://Acme.My.Salesforce.com ', 'https://acme.my.salesforce.com'],
    ['https://acme--uat.sandbox.my.salesforce.com', 'https://acme--uat.sandbox.my.salesforce.com'],
    ['https://acme-dev-ed.develop.my.salesforce.com', 'https://acme-dev-ed.develop.my.salesforce.com'],
    ['https://fun-app-1234.scratch.my.salesforce.com', 'https://fun-app-1234.scratch.my.salesforce.com'],
  ])('accepts %s as %s', (input, canonical) => {
    expect(checkSalesforceLoginUrl(input, 'request')).toBe(canonical);
  });

  it.each([
    ['http://login.salesforce.com', 'https'],
    ['https://evil.example', 'not a Salesforce login host'],
    ['https://login.salesforce.com.evil.example', 'not a Salesforce login host'],
    ['https://acme.my.salesforce.com.evil.example', 'not a Salesforce login host'],
    ['https://evil.example/acme.my.salesforce.com', 'path'],
    ['https://a.b.my.salesforce.com', 'not a Salesforce login host'],
    ['https://na1.salesforce.com', 'not a Salesforce login host'],
    ['https://salesforce.com', 'not a Salesforce login host'],
    ['https://acme.force.com', 'not a Salesforce login host'],
    ['https://-acme.my.salesforce.com', 'not a Salesforce login host'],
    ['https://acme-.my.salesforce.com', 'not a Salesforce login host'],
    ['https://acme---x.my.salesforce.com', 'not a Salesforce login host'],
    ['https://acme.evil.my.salesforce.com', 'not a Salesforce login host'],
    ['https://127.0.0.1', 'not a Salesforce login host'],
    ['https://user:pw@login.salesforce.com', 'user name or password'],
    ['https://evil.example@login.salesforce.com', 'user name or password'],
    ['https://login.salesforce.com:8443', 'port'],
    ['https://login.salesforce.com/services/oauth2/authorize', 'path'],
    ['https://login.salesforce.com?next=https://evil.example', 'query'],
    ['https://login.salesforce.com#x', 'fragment'],
    ['https://login.salesforce.com?', 'query'],
    ['javascript:alert(1)', 'https'],
    ['login.salesforce.com', 'not a URL'],
  ])('refuses %s (%s)', (input, reason) => {
    expect(refusal(() => checkSalesforceLoginUrl(input, 'request'))).toMatch(
      new RegExp(`^invalid_input: loginUrl: .*${reason}`),
    );
  });

  it('names SALESFORCE_LOGIN_URL as a configuration problem when the administrator set it', () => {
    expect(refusal(() => checkSalesforceLoginUrl('https://evil.example', 'SALESFORCE_LOGIN_URL'))).toMatch(
      /^config_invalid: SALESFORCE_LOGIN_URL: /,
    );
  });

  it('only ever answers https://<a Salesforce host>, whatever it is given', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.webUrl({ withQueryParameters: true, withFragments: true }),
          fc.string(),
          // Near misses: anything in front of, or behind, a real suffix.
          fc
            .tuple(
              fc.string(),
              fc.constantFrom('.my.salesforce.com', '.sandbox.my.salesforce.com'),
              fc.string(),
            )
            .map(([before, suffix, after]) => `https://${before}${suffix}${after}`),
          fc.domain().map((domain) => `https://${domain}.my.salesforce.com`),
        ),
        (input) => {
          let accepted: string;
          try {
            accepted = checkSalesforceLoginUrl(input, 'request');
          } catch (error) {
            expect(isRowbridgeError(error)).toBe(true);
            return;
          }
          expect(accepted).toMatch(
            /^https:\/\/[a-z0-9-]+\.(?:(?:sandbox|develop|scratch)\.)?(?:my\.)?salesforce\.com$/,
          );
        },
      ),
    );
  });
});

describe('resolveSalesforceLoginUrl', () => {
  it('uses the default login host unless the user chose one', () => {
    expect(resolveSalesforceLoginUrl(undefined, production)).toBe('https://login.salesforce.com');
    expect(resolveSalesforceLoginUrl('https://test.salesforce.com', production)).toBe(
      'https://test.salesforce.com',
    );
  });

  it('in sandbox mode accepts only the sandbox org this companion serves', () => {
    expect(resolveSalesforceLoginUrl(undefined, sandbox)).toBe('http://127.0.0.1:8787/sandbox/salesforce');
    expect(resolveSalesforceLoginUrl('http://127.0.0.1:8787/sandbox/salesforce/', sandbox)).toBe(
      'http://127.0.0.1:8787/sandbox/salesforce',
    );
    expect(refusal(() => resolveSalesforceLoginUrl('https://login.salesforce.com', sandbox))).toMatch(
      /sandbox mode/,
    );
    expect(
      refusal(() => resolveSalesforceLoginUrl('http://127.0.0.1:9999/sandbox/salesforce', sandbox)),
    ).toMatch(/sandbox mode/);
  });
});

describe('checkSalesforceInstanceUrl', () => {
  it('takes https hosts under salesforce.com, and the sandbox mount in sandbox mode', () => {
    expect(checkSalesforceInstanceUrl('https://acme.my.salesforce.com', production)).toBe(
      'https://acme.my.salesforce.com',
    );
    expect(checkSalesforceInstanceUrl('https://na42.salesforce.com/', production)).toBe(
      'https://na42.salesforce.com',
    );
    expect(checkSalesforceInstanceUrl('http://127.0.0.1:8787/sandbox/salesforce', sandbox)).toBe(
      'http://127.0.0.1:8787/sandbox/salesforce',
    );
  });

  it.each([
    'http://acme.my.salesforce.com',
    'https://acme.my.salesforce.com.evil.example',
    'https://evil.example',
    'https://acme.my.salesforce.com:444',
    'https://x@acme.my.salesforce.com',
    undefined,
    42,
  ])('refuses %s', (value) => {
    expect(refusal(() => checkSalesforceInstanceUrl(value, production))).toMatch(/^crm_unavailable: /);
  });
});
