import { invalidFilter } from './errors.ts';

/**
 * A parser for SCIM filter expressions (RFC 7644 §3.4.2.2). It covers attribute expressions
 * with the nine comparison operators and `pr`, `and`, `or`, `not (…)` and parentheses, with `and`
 * binding tighter than `or`. String values are JSON strings, so every JSON escape works
 * (`\"`, `\\`, `\/`, `\u00e9`, …). Complex attribute filters (`emails[type eq "work"]`) are
 * rejected because a Delegation has no multi-valued complex attributes.
 */

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | null;

export type FilterNode =
  | { kind: 'compare'; attribute: string; operator: CompareOperator; value: FilterValue }
  | { kind: 'present'; attribute: string }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode };

/** Maximum filter length, in characters. */
export const MAX_FILTER_LENGTH = 4096;
/** Maximum nesting depth of parentheses and `not`, which bounds the parser's recursion. */
export const MAX_FILTER_DEPTH = 32;

const COMPARE_OPERATORS: ReadonlySet<string> = new Set([
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'ge',
  'lt',
  'le',
]);

type Token =
  | { type: 'word'; text: string; position: number }
  | { type: 'string'; value: string; position: number }
  | { type: 'number'; value: number; position: number }
  | { type: '(' | ')' | '[' | ']'; position: number }
  | { type: 'end'; position: number };

const WHITESPACE = /\s+/y;
const WORD = /[A-Za-z][A-Za-z0-9_:.$-]*/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

export function parseFilter(text: string): FilterNode {
  if (text.length > MAX_FILTER_LENGTH) {
    throw invalidFilter(
      `The filter is longer than ${MAX_FILTER_LENGTH} characters. Split the query.`,
    );
  }
  const parser = new Parser(tokenize(text));
  const node = parser.parseOr(0);
  parser.expectEnd();
  return node;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;

  const match = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = position;
    const found = pattern.exec(text);
    return found ? found[0] : undefined;
  };

  while (position < text.length) {
    const space = match(WHITESPACE);
    if (space) {
      position += space.length;
      continue;
    }

    const char = text[position]!;
    if (char === '(' || char === ')' || char === '[' || char === ']') {
      tokens.push({ type: char, position });
      position += 1;
      continue;
    }
    if (char === '"') {
      const literal = match(STRING);
      if (!literal)
        throw invalidFilter(
          `Unterminated or malformed string at character ${position + 1} of the filter.`,
        );
      tokens.push({ type: 'string', value: JSON.parse(literal) as string, position });
      position += literal.length;
      continue;
    }

    const number = /[-0-9]/.test(char) ? match(NUMBER) : undefined;
    if (number) {
      tokens.push({ type: 'number', value: Number(number), position });
      position += number.length;
      continue;
    }
    const word = match(WORD);
    if (word) {
      tokens.push({ type: 'word', text: word, position });
      position += word.length;
      continue;
    }
    throw invalidFilter(
      `Unexpected character ${JSON.stringify(char)} at character ${position + 1} of the filter.`,
    );
  }

  tokens.push({ type: 'end', position });
  return tokens;
}

class Parser {
  readonly #tokens: Token[];
  #index = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parseOr(depth: number): FilterNode {
    let node = this.#parseAnd(depth);
    while (this.#isKeyword('or')) {
      this.#index += 1;
      node = { kind: 'or', left: node, right: this.#parseAnd(depth) };
    }
    return node;
  }

  expectEnd(): void {
    const token = this.#peek();
    if (token.type !== 'end') throw unexpected(token, 'the end of the filter, "and" or "or"');
  }

  #parseAnd(depth: number): FilterNode {
    let node = this.#parseUnary(depth);
    while (this.#isKeyword('and')) {
      this.#index += 1;
      node = { kind: 'and', left: node, right: this.#parseUnary(depth) };
    }
    return node;
  }

  #parseUnary(depth: number): FilterNode {
    if (depth >= MAX_FILTER_DEPTH) {
      throw invalidFilter(`The filter nests deeper than ${MAX_FILTER_DEPTH} levels. Simplify it.`);
    }

    if (this.#isKeyword('not')) {
      this.#index += 1;
      return { kind: 'not', operand: this.#parseGroup(depth + 1, '"(" after "not"') };
    }
    if (this.#peek().type === '(') return this.#parseGroup(depth + 1, '"("');
    return this.#parseAttributeExpression();
  }

  #parseGroup(depth: number, expected: string): FilterNode {
    const open = this.#next();
    if (open.type !== '(') throw unexpected(open, expected);
    const node = this.parseOr(depth);
    const close = this.#next();
    if (close.type !== ')') throw unexpected(close, '")"');
    return node;
  }

  #parseAttributeExpression(): FilterNode {
    const attribute = this.#next();
    if (attribute.type !== 'word') throw unexpected(attribute, 'an attribute name, "not" or "("');
    if (this.#peek().type === '[') {
      throw invalidFilter(
        `Complex attribute filters such as ${attribute.text}[…] are not supported: Delegation attributes are simple.`,
      );
    }

    const operatorToken = this.#next();
    if (operatorToken.type !== 'word')
      throw unexpected(operatorToken, `an operator after ${attribute.text}`);
    const operator = operatorToken.text.toLowerCase();
    if (operator === 'pr') return { kind: 'present', attribute: attribute.text };
    if (!COMPARE_OPERATORS.has(operator)) {
      throw invalidFilter(
        `Unknown operator "${operatorToken.text}" at character ${operatorToken.position + 1}. Use eq, ne, co, sw, ew, gt, ge, lt, le or pr.`,
      );
    }

    return {
      kind: 'compare',
      attribute: attribute.text,
      operator: operator as CompareOperator,
      value: this.#parseValue(operator),
    };
  }

  #parseValue(operator: string): FilterValue {
    const token = this.#next();
    if (token.type === 'string' || token.type === 'number') return token.value;
    if (token.type === 'word') {
      const keyword = token.text.toLowerCase();
      if (keyword === 'true') return true;
      if (keyword === 'false') return false;
      if (keyword === 'null') return null;
    }
    throw unexpected(
      token,
      `a value after "${operator}" (a quoted string, a number, true, false or null)`,
    );
  }

  #isKeyword(keyword: string): boolean {
    const token = this.#peek();
    return token.type === 'word' && token.text.toLowerCase() === keyword;
  }

  #peek(): Token {
    return this.#tokens[this.#index]!;
  }

  #next(): Token {
    const token = this.#tokens[this.#index]!;
    if (token.type !== 'end') this.#index += 1;
    return token;
  }
}

function unexpected(token: Token, expected: string) {
  const found = token.type === 'end' ? 'the end of the filter' : describe(token);
  return invalidFilter(
    `Expected ${expected} at character ${token.position + 1} of the filter, found ${found}.`,
  );
}

function describe(token: Exclude<Token, { type: 'end' }>): string {
  switch (token.type) {
    case 'word':
      return `"${token.text}"`;
    case 'string':
      return `the string ${JSON.stringify(token.value)}`;
    case 'number':
      return `the number ${token.value}`;
    default:
      return `"${token.type}"`;
  }
}
