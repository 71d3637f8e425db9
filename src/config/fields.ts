import type { z } from 'zod';
import { configSchema } from './schema.ts';

type AnySchema = z.core.$ZodType;

/** Wrappers whose inner schema holds the shape: optional, default and the like. */
const WRAPPERS = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'catch',
  'readonly',
  'nonoptional',
]);

/**
 * Lists the path of every setting and every group of settings in the schema, such as
 * `['authServer', 'scim']` and `['authServer', 'scim', 'pageSize']`. Array items are not listed,
 * because an array is set as a whole.
 */
export function listSettingPaths(schema: AnySchema = configSchema): string[][] {
  const paths: string[][] = [];
  collect(schema, [], paths);
  return paths;
}

function collect(schema: AnySchema, prefix: string[], paths: string[][]): void {
  const shape = objectShape(schema);
  if (!shape) return;
  for (const [key, child] of Object.entries(shape)) {
    const path = [...prefix, key];
    paths.push(path);
    collect(child, path, paths);
  }
}

/** Returns the fields of an object schema, looking through optional and default wrappers. */
export function objectShape(schema: AnySchema): Record<string, AnySchema> | undefined {
  let current = schema;
  while (WRAPPERS.has(current._zod.def.type)) {
    current = (current._zod.def as unknown as { innerType: AnySchema }).innerType;
  }
  if (current._zod.def.type !== 'object') return undefined;
  return (current._zod.def as unknown as { shape: Record<string, AnySchema> }).shape;
}

/** Returns the known key at `parentPath` nearest to `key`, if it is a likely typo. */
export function nearestKey(
  parentPath: readonly (string | number)[],
  key: string,
): string | undefined {
  let schema: AnySchema | undefined = configSchema;
  for (const segment of parentPath) {
    if (typeof segment !== 'string') return undefined;
    schema = schema ? objectShape(schema)?.[segment] : undefined;
  }
  const shape = schema ? objectShape(schema) : undefined;
  return shape ? nearest(key, Object.keys(shape)) : undefined;
}

/**
 * Returns the candidate with the smallest edit distance to `word`, compared without case, if that
 * distance is at most a third of the word's length (at least 1), so unrelated names are not offered.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/**
 * Optimal string alignment distance: inserting, deleting or substituting a character, or swapping
 * two neighbours, costs 1 each, so `prot` is 1 away from `port`.
 */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(
        rows[i - 1]![j]! + 1,
        rows[i]![j - 1]! + 1,
        rows[i - 1]![j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, rows[i - 2]![j - 2]! + 1);
      }
      rows[i]![j] = distance;
    }
  }
  return rows[a.length]![b.length]!;
}
