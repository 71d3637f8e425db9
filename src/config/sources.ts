import { isPlainObject, type EnvironmentSetting } from './env.ts';

/** The source of a setting's value. */
export type SettingOrigin =
  | { kind: 'file'; file: string }
  | { kind: 'variable'; name: string; text: string }
  | { kind: 'overrides' };

interface Entry {
  origin: SettingOrigin;
  /** The value as that source gave it, before the schema coerced it. */
  value: unknown;
}

/**
 * Records, for each setting path, the source that set it last, following the merge order of
 * loadConfig: an object merges key by key, while an array or a scalar replaces everything under it.
 */
export class SettingSources {
  readonly #entries = new Map<string, Entry>();

  addFile(file: string, values: unknown): void {
    this.#addTree([], values, { kind: 'file', file });
  }

  addEnvironment(settings: readonly EnvironmentSetting[]): void {
    for (const setting of settings) {
      this.#addTree(setting.path, setting.value, {
        kind: 'variable',
        name: setting.name,
        text: setting.text,
      });
    }
  }

  addOverrides(values: unknown): void {
    this.#addTree([], values, { kind: 'overrides' });
  }

  /**
   * Returns the source of the value at `path` and that value as given, or undefined when no source
   * set it (so the schema's default or a missing value is at fault).
   */
  find(path: readonly (string | number)[]): { origin: SettingOrigin; given: unknown } | undefined {
    for (let length = path.length; length >= 0; length--) {
      const entry = this.#entries.get(keyOf(path.slice(0, length)));
      if (!entry) continue;
      const rest = path.slice(length);
      const exact = rest.length === 0 && entry.origin.kind === 'variable';
      return {
        origin: entry.origin,
        given: exact ? (entry.origin as { text: string }).text : valueAt(entry.value, rest),
      };
    }
    return undefined;
  }

  #addTree(path: readonly (string | number)[], value: unknown, origin: SettingOrigin): void {
    if (isPlainObject(value)) {
      this.#entries.delete(keyOf(path));
      for (const [key, child] of Object.entries(value))
        this.#addTree([...path, key], child, origin);
      return;
    }
    if (value === undefined) return;

    const prefix = `${keyOf(path)}.`;
    for (const key of this.#entries.keys()) {
      if (key.startsWith(prefix)) this.#entries.delete(key);
    }
    this.#entries.set(keyOf(path), { origin, value });
  }
}

function keyOf(path: readonly (string | number)[]): string {
  return path.join('.');
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
