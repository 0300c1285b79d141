import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../shared/errors.ts';
import { ADDON_ERROR_CODES, AddonError, PROBLEMS_SHOWN, USER_MESSAGES, userMessage } from './errors.ts';

describe('messages for companion errors', () => {
  it.each([...ERROR_CODES])('%s has its own message saying what happened', (code) => {
    const message = USER_MESSAGES[code];
    expect(message, code).toMatch(/^[A-Z].{10,}[.]$/);
    expect(userMessage(code)).toBe(`${message} (${code})`);
  });

  it('gives every code a different message, the add-on’s own codes included', () => {
    const codes = [...ERROR_CODES, ...ADDON_ERROR_CODES];
    expect(Object.keys(USER_MESSAGES).sort()).toEqual([...codes].sort());
    expect(new Set(codes.map((code) => USER_MESSAGES[code])).size).toBe(codes.length);
  });

  it('adds the companion’s specifics after the advice, and the code for support', () => {
    expect(userMessage('sheet_header_missing', 'The header row lacks "Email".')).toBe(
      `${USER_MESSAGES.sheet_header_missing} The header row lacks "Email". (sheet_header_missing)`,
    );
    expect(userMessage('rate_limited', USER_MESSAGES.rate_limited)).toBe(
      `${USER_MESSAGES.rate_limited} (rate_limited)`,
    );
  });

  it('falls back to general advice for a code from a newer companion, keeping the code', () => {
    expect(userMessage('quota_of_the_future', 'Slow down.')).toBe(
      `${USER_MESSAGES.internal} Slow down. (quota_of_the_future)`,
    );
  });

  it('lists the first problems of a validation and counts the rest', () => {
    const problems = ['one.', 'two.', 'three.', 'four.', 'five.'];
    const error = new AddonError('mapping_invalid', undefined, problems);
    expect(error.message).toBe(
      `${USER_MESSAGES.mapping_invalid} ${problems.slice(0, PROBLEMS_SHOWN).join(' ')} (and 2 more) (mapping_invalid)`,
    );
    expect(error.code).toBe('mapping_invalid');
  });
});
