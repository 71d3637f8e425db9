import type { z } from 'zod';
import { environmentNameOf } from './env.ts';
import { nearestKey } from './fields.ts';
import type { SettingOrigin, SettingSources } from './sources.ts';

type Path = readonly (string | number)[];

/**
 * Turns one schema issue into lines that name the setting, the value as the user gave it, where it
 * came from (the file, an `ST_` variable or a short alias such as TRACKER_PORT), and the fix.
 * `file` is the configuration file named by SESSION_TRACKER_CONFIG, if any.
 */
export function describeIssue(
  issue: z.core.$ZodIssue,
  sources: SettingSources,
  file: string | undefined,
): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) =>
      describeUnknownKey([...(issue.path as Path), key], sources, file),
    );
  }

  const path = issue.path as Path;
  const source = sources.find(path);
  const name = path.join('.') || '(root)';
  if (!source) {
    return [
      `${name}: ${issue.message}. Set it in ${fileLabel(file)} or with ${environmentNameOf(path)}.`,
    ];
  }
  return [
    `${name}: ${issue.message} (got ${show(source.given)} ${fromLabel(source.origin)}). ${fixLabel(source.origin, path, file)}`,
  ];
}

function describeUnknownKey(path: Path, sources: SettingSources, file: string | undefined): string {
  const key = String(path[path.length - 1]);
  const parent = path.slice(0, -1);
  const suggestion = nearestKey(parent, key);
  const hint = suggestion ? ` Did you mean ${[...parent, suggestion].join('.')}?` : '';
  const origin = sources.find(path)?.origin;
  const where = origin ? ` ${fromLabel(origin)}` : '';
  return `${path.join('.')}: unknown setting${where}.${hint} Rename or remove it.`;
}

function show(value: unknown): string {
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return JSON.stringify(value) ?? String(value);
}

function fromLabel(origin: SettingOrigin): string {
  switch (origin.kind) {
    case 'file':
      return `in ${origin.file}`;
    case 'variable':
      return `from ${origin.name}`;
    case 'overrides':
      return 'in the overrides passed to loadConfig';
  }
}

function fixLabel(origin: SettingOrigin, path: Path, file: string | undefined): string {
  switch (origin.kind) {
    case 'file':
      return `Fix it in ${origin.file}, or set ${environmentNameOf(path)}.`;
    case 'variable':
      return `Fix ${origin.name}, or unset it and set ${path.join('.')} in ${fileLabel(file)}.`;
    case 'overrides':
      return 'Fix the overrides.';
  }
}

function fileLabel(file: string | undefined): string {
  return file ?? 'the JSON file named by SESSION_TRACKER_CONFIG';
}
