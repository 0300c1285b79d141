import { malformedQuery } from '../errors.ts';

export type Token =
  | { readonly kind: 'word'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number; readonly text: string }
  | { readonly kind: 'date'; readonly text: string }
  | { readonly kind: 'datetime'; readonly text: string }
  | { readonly kind: 'op'; readonly text: string };

/**
 * SOQL string escapes (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm):
 * `\n \r \t \b \f \" \' \\` (either case for the letters), and `\_ \%` which stay escaped for LIKE.
 */
const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '"': '"',
  "'": "'",
  '\\': '\\',
};

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\w:])/;

/** Splits a SOQL statement into tokens; `MALFORMED_QUERY` for what it cannot read. */
export function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < soql.length) {
    const rest = soql.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    const char = rest.charAt(0);
    if (char === "'") {
      const { value, length } = readString(rest);
      tokens.push({ kind: 'string', value });
      at += length;
      continue;
    }
    const datetime = DATETIME.exec(rest);
    if (datetime) {
      tokens.push({ kind: 'datetime', text: datetime[0] });
      at += datetime[0].length;
      continue;
    }
    const date = DATE.exec(rest);
    if (date) {
      tokens.push({ kind: 'date', text: date[0] });
      at += date[0].length;
      continue;
    }
    const number = /^-?\d+(\.\d+)?(?![\w])/.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]), text: number[0] });
      at += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][\w.]*/.exec(rest);
    if (word) {
      tokens.push({ kind: 'word', text: word[0] });
      at += word[0].length;
      continue;
    }
    const op = /^(<=|>=|!=|<>|=|<|>|\(|\)|,)/.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', text: op[0] === '<>' ? '!=' : op[0] });
      at += op[0].length;
      continue;
    }
    throw malformedQuery(`unexpected token: '${rest.slice(0, 20)}'`);
  }
  return tokens;
}

/** `\_` and `\%` in a literal: a literal `_` / `%` in LIKE patterns, plain characters elsewhere. */
export const LITERAL_UNDERSCORE = '\uE000';
export const LITERAL_PERCENT = '\uE001';

/** Reads a quoted literal at the start of `text`. */
function readString(text: string): { value: string; length: number } {
  let value = '';
  for (let i = 1; i < text.length; i += 1) {
    const char = text.charAt(i);
    if (char === "'") return { value, length: i + 1 };
    if (char !== '\\') {
      value += char;
      continue;
    }
    const next = text.charAt(i + 1);
    const escaped = ESCAPES[next.toLowerCase()] ?? ESCAPES[next];
    if (next === '_' || next === '%') value += next === '_' ? LITERAL_UNDERSCORE : LITERAL_PERCENT;
    else if (escaped !== undefined) value += escaped;
    else
      throw malformedQuery(
        `Invalid string literal '${text.slice(0, i + 2)}'. Illegal escape sequence: \\${next}`,
      );
    i += 1;
  }
  throw malformedQuery(`unterminated string literal: ${text.slice(0, 40)}`);
}
