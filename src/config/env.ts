import type { RawConfig } from './schema.ts';

/** Short names kept for the settings people change most often. */
const ALIASES: Record<string, string[]> = {
  TRACKER_PORT: ['tracker', 'port'],
  TRACKER_HOST: ['tracker', 'host'],
  TRACKER_PUBLIC_URL: ['tracker', 'publicUrl'],
  IDP_PORT: ['idp', 'port'],
  IDP_HOST: ['idp', 'host'],
  DATABASE_URL: ['database', 'url'],
};

const PREFIX = 'ST_';

/**
 * Reads settings from environment variables. Every field has a name built from its path:
 * `authServer.scim.baseUrl` is `ST_AUTH_SERVER__SCIM__BASE_URL`. Values that start with `[` or `{`
 * are parsed as JSON, and `true` and `false` become booleans.
 */
export function readEnvironment(env: NodeJS.ProcessEnv): RawConfig {
  const result: Record<string, unknown> = {};

  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    const path = ALIASES[name] ?? (name.startsWith(PREFIX) ? pathFromName(name) : undefined);
    if (path) setPath(result, path, parseValue(name, value));
  }

  return result as RawConfig;
}

export function environmentNameOf(path: readonly (string | number)[]): string {
  const segments = path.filter((segment) => typeof segment === 'string') as string[];
  return PREFIX + segments.map((segment) => segment.replace(/[A-Z]/g, '_$&').toUpperCase()).join('__');
}

function pathFromName(name: string): string[] {
  return name
    .slice(PREFIX.length)
    .split('__')
    .map((segment) =>
      segment.toLowerCase().replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase()),
    );
}

function parseValue(name: string, value: string): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value.startsWith('[') || value.startsWith('{')) {
    try {
      return JSON.parse(value);
    } catch (error) {
      throw new Error(`Environment variable ${name} is not valid JSON: ${(error as Error).message}`);
    }
  }
  return value;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    node[segment] = typeof next === 'object' && next !== null ? next : {};
    node = node[segment] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** Merges `override` into `base`; arrays and scalars in `override` replace those in `base`. */
export function deepMerge<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) {
    return (override === undefined ? base : override) as T;
  }
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    merged[key] = deepMerge(merged[key], value);
  }
  return merged as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
