import { AppError } from '../../shared/errors.ts';

/** A parsed query string as Fastify hands it over: a value is a string or, when repeated, a list. */
export type RawQuery = Record<string, string | string[] | undefined>;

/** Maximum length of a username, client id, SCIM id or free-text filter. */
export const MAX_TEXT_LENGTH = 256;

export function invalidParameter(name: string, value: unknown, expected: string): AppError {
  return new AppError(
    'invalid_request',
    400,
    `Invalid parameter "${name}": expected ${expected}, got ${JSON.stringify(value)}.`,
  );
}

/** Rejects parameters outside `allowed`, so a misspelt filter fails loudly instead of matching everything. */
export function rejectUnknownParameters(query: RawQuery, allowed: readonly string[]): void {
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name)) {
      throw new AppError(
        'invalid_request',
        400,
        `Unknown parameter "${name}". Accepted parameters: ${allowed.join(', ')}.`,
      );
    }
  }
}

/** Returns the single value of a parameter, or undefined when it is absent or empty. */
export function single(query: RawQuery, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw invalidParameter(name, value, 'a single value');
  return value === undefined || value === '' ? undefined : value;
}

export function readText(query: RawQuery, name: string): string | undefined {
  const value = single(query, name);
  if (value === undefined) return undefined;
  return checkText(name, value);
}

export function checkText(name: string, value: unknown): string {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > MAX_TEXT_LENGTH ||
    /[\u0000-\u001f\u007f]/.test(value)
  ) {
    throw invalidParameter(
      name,
      value,
      `text of 1 to ${MAX_TEXT_LENGTH} characters without control characters`,
    );
  }
  return value;
}

/** Checks a SCIM resource id: text that addresses one resource as a URL path segment. */
export function checkScimId(name: string, value: unknown): string {
  const id = checkText(name, value);
  if (id === '.' || id === '..')
    throw invalidParameter(name, value, 'a SCIM id as the delegation list returned it');
  return id;
}

export function readInteger(
  query: RawQuery,
  name: string,
  range: { min: number; max: number },
): number | undefined {
  const value = single(query, name);
  if (value === undefined) return undefined;
  const number = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < range.min || number > range.max) {
    throw invalidParameter(name, value, `an integer from ${range.min} to ${range.max}`);
  }
  return number;
}

export function readChoice<T extends string>(
  query: RawQuery,
  name: string,
  choices: readonly T[],
): T | undefined {
  const value = single(query, name);
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    throw invalidParameter(name, value, `one of ${choices.join(', ')}`);
  }
  return value as T;
}

// A calendar date, or a date and time with seconds optional and a zone required, so that
// "2026-12-04T10:00" cannot mean different instants on different servers.
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;

export function readDate(query: RawQuery, name: string): Date | undefined {
  const value = single(query, name);
  if (value === undefined) return undefined;
  const date = parseIsoDate(value);
  if (date === undefined) {
    throw invalidParameter(
      name,
      value,
      'an ISO 8601 date (2026-12-04) or date and time with a zone (2026-12-04T10:00:00Z)',
    );
  }
  return date;
}

/** Parses ISO_DATE text; undefined for text that does not match or names no real day or time. */
function parseIsoDate(value: string): Date | undefined {
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;

  // Date rolls 2026-02-31 over to March 3rd, so the calendar day is checked on its own.
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendarDay = new Date(Date.UTC(year, month - 1, day));
  if (calendarDay.getUTCMonth() !== month - 1 || calendarDay.getUTCDate() !== day) return undefined;

  const [hours, minutes, seconds, zoneHours, zoneMinutes] = [4, 5, 6, 7, 8].map((group) =>
    Number(match[group] ?? 0),
  );
  if (hours! > 23 || minutes! > 59 || seconds! > 59 || zoneHours! > 23 || zoneMinutes! > 59)
    return undefined;
  return new Date(value);
}
