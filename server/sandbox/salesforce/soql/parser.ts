import { malformedQuery } from '../errors.ts';
import { type Token, tokenize } from './lexer.ts';

export type Literal =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' }
  | { readonly kind: 'date'; readonly value: string }
  | { readonly kind: 'datetime'; readonly value: string };

export type Condition =
  | { readonly kind: 'and' | 'or'; readonly parts: readonly Condition[] }
  | { readonly kind: 'not'; readonly part: Condition }
  | {
      readonly kind: 'compare';
      readonly field: string;
      readonly op: '=' | '!=' | '<' | '<=' | '>' | '>=';
      readonly value: Literal;
    }
  | {
      readonly kind: 'in';
      readonly field: string;
      readonly negated: boolean;
      readonly values: readonly Literal[];
    }
  | { readonly kind: 'like'; readonly field: string; readonly pattern: string };

export interface OrderBy {
  readonly field: string;
  readonly descending: boolean;
  readonly nullsLast: boolean;
}

/** The SOQL subset the sandbox runs: one object, plain fields, WHERE, ORDER BY, LIMIT, OFFSET. */
export interface SelectQuery {
  readonly fields: readonly string[];
  readonly object: string;
  readonly where?: Condition;
  readonly orderBy: readonly OrderBy[];
  readonly limit?: number;
  readonly offset?: number;
}

const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=']);

/** Parses a statement of the supported subset; `MALFORMED_QUERY` (as Salesforce answers) otherwise. */
export function parseSoql(soql: string): SelectQuery {
  const tokens = tokenize(soql);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const isWord = (word: string, token = peek()) =>
    token?.kind === 'word' && token.text.toUpperCase() === word;
  const isOp = (op: string, token = peek()) => token?.kind === 'op' && token.text === op;
  const expectWord = (word: string) => {
    if (!isWord(word)) throw malformedQuery(`unexpected token: '${describe(peek())}', expecting ${word}`);
    at += 1;
  };
  const fieldName = (): string => {
    const token = peek();
    if (token?.kind !== 'word' || token.text.includes('.')) {
      throw malformedQuery(`unexpected token: '${describe(token)}'`);
    }
    at += 1;
    return token.text;
  };
  const integer = (): number => {
    const token = peek();
    if (token?.kind !== 'number' || !Number.isInteger(token.value) || token.value < 0) {
      throw malformedQuery(`unexpected token: '${describe(token)}'`);
    }
    at += 1;
    return token.value;
  };

  const literal = (): Literal => {
    const token = peek();
    at += 1;
    if (token?.kind === 'string') return { kind: 'string', value: token.value };
    if (token?.kind === 'number') return { kind: 'number', value: token.value };
    if (token?.kind === 'date') return { kind: 'date', value: token.text };
    if (token?.kind === 'datetime') return { kind: 'datetime', value: token.text };
    if (isWord('TRUE', token) || isWord('FALSE', token))
      return { kind: 'boolean', value: isWord('TRUE', token) };
    if (isWord('NULL', token)) return { kind: 'null' };
    throw malformedQuery(`unexpected token: '${describe(token)}'`);
  };

  const primary = (): Condition => {
    if (isWord('NOT')) {
      at += 1;
      return { kind: 'not', part: primary() };
    }
    if (isOp('(')) {
      at += 1;
      const inner = disjunction();
      if (!isOp(')')) throw malformedQuery(`unexpected token: '${describe(peek())}', expecting ')'`);
      at += 1;
      return inner;
    }
    const field = fieldName();
    const token = peek();
    if (token?.kind === 'op' && COMPARISONS.has(token.text)) {
      at += 1;
      return { kind: 'compare', field, op: token.text as '=', value: literal() };
    }
    const negated = isWord('NOT');
    if (negated) at += 1;
    if (isWord('IN')) {
      at += 1;
      if (!isOp('(')) throw malformedQuery(`unexpected token: '${describe(peek())}', expecting '('`);
      at += 1;
      const values = [literal()];
      while (isOp(',')) {
        at += 1;
        values.push(literal());
      }
      if (!isOp(')')) throw malformedQuery(`unexpected token: '${describe(peek())}', expecting ')'`);
      at += 1;
      return { kind: 'in', field, negated, values };
    }
    if (!negated && isWord('LIKE')) {
      at += 1;
      const pattern = literal();
      if (pattern.kind !== 'string') throw malformedQuery('LIKE needs a quoted string');
      return { kind: 'like', field, pattern: pattern.value };
    }
    throw malformedQuery(`unexpected token: '${describe(peek())}'`);
  };
  const conjunction = (): Condition => {
    const parts = [primary()];
    while (isWord('AND')) {
      at += 1;
      parts.push(primary());
    }
    return parts.length === 1 && parts[0] ? parts[0] : { kind: 'and', parts };
  };
  const disjunction = (): Condition => {
    const parts = [conjunction()];
    while (isWord('OR')) {
      at += 1;
      parts.push(conjunction());
    }
    return parts.length === 1 && parts[0] ? parts[0] : { kind: 'or', parts };
  };

  expectWord('SELECT');
  const fields = [fieldName()];
  while (isOp(',')) {
    at += 1;
    fields.push(fieldName());
  }
  expectWord('FROM');
  const object = fieldName();
  const query: { -readonly [K in keyof SelectQuery]: SelectQuery[K] } = { fields, object, orderBy: [] };
  if (isWord('WHERE')) {
    at += 1;
    query.where = disjunction();
  }
  if (isWord('ORDER')) {
    at += 1;
    expectWord('BY');
    const orderBy: OrderBy[] = [];
    do {
      if (orderBy.length > 0) at += 1;
      const field = fieldName();
      let descending = false;
      if (isWord('ASC') || isWord('DESC')) {
        descending = isWord('DESC');
        at += 1;
      }
      let nullsLast = descending;
      if (isWord('NULLS')) {
        at += 1;
        nullsLast = isWord('LAST');
        if (!isWord('FIRST') && !isWord('LAST'))
          throw malformedQuery(`unexpected token: '${describe(peek())}'`);
        at += 1;
      }
      orderBy.push({ field, descending, nullsLast });
    } while (isOp(','));
    query.orderBy = orderBy;
  }
  if (isWord('LIMIT')) {
    at += 1;
    query.limit = integer();
  }
  if (isWord('OFFSET')) {
    at += 1;
    query.offset = integer();
  }
  if (at < tokens.length) throw malformedQuery(`unexpected token: '${describe(peek())}'`);
  return query;
}

function describe(token: Token | undefined): string {
  if (!token) return '<EOF>';
  if (token.kind === 'string') return `'${token.value}'`;
  return token.text;
}
