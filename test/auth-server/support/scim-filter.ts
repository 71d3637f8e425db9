/**
 * A strict parser for the subset of RFC 7644 filters that the directory sends:
 * `attrPath op compValue` clauses joined by `and`. String values are JSON string literals and are
 * decoded with JSON.parse, as a conforming server would, so an escaping mistake shows up as a
 * parse error or a changed value.
 */
export interface FilterClause {
  attribute: string;
  operator: string;
  value: string | number | boolean | null;
}

const OPERATORS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

export function parseFilter(filter: string): FilterClause[] {
  const clauses: FilterClause[] = [];
  let position = 0;

  const skipSpaces = (): void => {
    while (filter[position] === ' ') position += 1;
  };
  const readWord = (): string => {
    const start = position;
    while (position < filter.length && filter[position] !== ' ') position += 1;
    return filter.slice(start, position);
  };

  for (;;) {
    skipSpaces();
    const attribute = readWord();
    if (!/^[A-Za-z][\w.$:-]*$/.test(attribute))
      throw new SyntaxError(`bad attribute path at ${position}: ${attribute}`);
    skipSpaces();
    const operator = readWord().toLowerCase();
    if (!OPERATORS.has(operator)) throw new SyntaxError(`bad operator at ${position}: ${operator}`);
    skipSpaces();
    clauses.push({ attribute, operator, value: readValue() });
    skipSpaces();
    if (position >= filter.length) return clauses;
    const joiner = readWord().toLowerCase();
    if (joiner !== 'and') throw new SyntaxError(`expected "and" at ${position}, got ${joiner}`);
  }

  function readValue(): FilterClause['value'] {
    if (filter[position] !== '"') {
      const word = readWord();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
      if (/^-?\d+(\.\d+)?$/.test(word)) return Number(word);
      throw new SyntaxError(`bad value at ${position}: ${word}`);
    }
    const start = position;
    position += 1;
    while (position < filter.length && filter[position] !== '"') {
      position += filter[position] === '\\' ? 2 : 1;
    }
    if (position >= filter.length) throw new SyntaxError('unterminated string');
    position += 1;
    return JSON.parse(filter.slice(start, position)) as string;
  }
}

/** Applies clauses to a resource the way the fake modern server does. */
export function matchesFilter(resource: Record<string, unknown>, clauses: FilterClause[]): boolean {
  return clauses.every(({ attribute, operator, value }) => {
    const actual = resource[attribute];
    switch (operator) {
      case 'eq':
        return actual === value;
      case 'ne':
        return actual !== value;
      case 'sw':
        return (
          typeof actual === 'string' &&
          typeof value === 'string' &&
          actual.toLowerCase().startsWith(value.toLowerCase())
        );
      case 'lt':
        return typeof actual === 'number' && typeof value === 'number' && actual < value;
      case 'gt':
        return typeof actual === 'number' && typeof value === 'number' && actual > value;
      default:
        throw new SyntaxError(`operator ${operator} is not supported by the fake server`);
    }
  });
}
