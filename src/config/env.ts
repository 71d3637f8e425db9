import { ConfigError } from './errors.ts';
import { listSettingPaths, nearest } from './fields.ts';
import type { RawConfig } from './schema.ts';

/** Short names kept for the settings people change most often. */
export const ALIASES: Record<string, string[]> = {
  TRACKER_PORT: ['tracker', 'port'],
  TRACKER_HOST: ['tracker', 'host'],
  TRACKER_PUBLIC_URL: ['tracker', 'publicUrl'],
  IDP_PORT: ['idp', 'port'],
  IDP_HOST: ['idp', 'host'],
  DATABASE_URL: ['database', 'url'],
};

const PREFIX = 'ST_';

/** One environment variable that sets a setting, with its text as given. */
export interface EnvironmentSetting {
  name: string;
  path: string[];
  text: string;
  value: unknown;
}

/**
 * Reads settings from environment variables. Every field has a name built from its path:
 * `authServer.scim.baseUrl` is `ST_AUTH_SERVER__SCIM__BASE_URL`. Values that start with `[` or `{`
 * are parsed as JSON, and `true` and `false` become booleans. Throws a ConfigError that names every
 * `ST_` variable with invalid JSON or with a name that matches no setting.
 */
export function readEnvironment(env: NodeJS.ProcessEnv): {
  values: RawConfig;
  settings: EnvironmentSetting[];
} {
  const values: Record<string, unknown> = {};
  const settings: EnvironmentSetting[] = [];
  const problems: string[] = [];
  const knownNames = new Map(listSettingPaths().map((path) => [environmentNameOf(path), path]));

  for (const [name, text] of Object.entries(env)) {
    if (text === undefined || text === '') continue;
    if (!(name in ALIASES) && !name.startsWith(PREFIX)) continue;

    const path = ALIASES[name] ?? knownNames.get(name);
    if (!path) {
      problems.push(describeUnknownName(name, [...knownNames.keys()]));
      continue;
    }
    const parsed = parseValue(name, text);
    if ('problem' in parsed) {
      problems.push(parsed.problem);
      continue;
    }
    setPath(values, path, parsed.value);
    settings.push({ name, path, text, value: parsed.value });
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return { values: values as RawConfig, settings };
}

export function environmentNameOf(path: readonly (string | number)[]): string {
  const segments = path.filter((segment) => typeof segment === 'string') as string[];
  return (
    PREFIX + segments.map((segment) => segment.replace(/[A-Z]/g, '_$&').toUpperCase()).join('__')
  );
}

function describeUnknownName(name: string, knownNames: string[]): string {
  const suggestion = nearest(name, knownNames);
  const hint = suggestion
    ? `Did you mean ${suggestion}?`
    : 'Names are ST_ followed by the setting path in capitals, with __ between levels, e.g. ST_AUTH_SERVER__SCIM__PAGE_SIZE.';
  return `${name}: environment variable matches no setting. ${hint} Rename or unset it.`;
}

function parseValue(name: string, text: string): { value: unknown } | { problem: string } {
  if (text === 'true') return { value: true };
  if (text === 'false') return { value: false };
  if (!text.startsWith('[') && !text.startsWith('{')) return { value: text };
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return {
      problem: `${name}: not valid JSON (${(error as Error).message}). A value that starts with [ or { is read as JSON: fix its syntax, e.g. [{"id":"www","secret":"…"}], and quote it for the shell.`,
    };
  }
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

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
