import { parseArgs } from 'node:util';

export const CASES = ['list', 'revoke', 'load'] as const;
export type CaseName = (typeof CASES)[number];

export interface BenchOptions {
  quick: boolean;
  /** Delegations in the embedded server's store for the list case. */
  sizes: number[];
  cases: CaseName[];
  /** Length of the load run, in seconds. */
  durationSeconds: number;
  /** The Markdown report; the plots go to `images/` beside it. */
  output: string;
  /** The arguments as given, for the report's command line. */
  argv: string[];
}

export const HELP = `Usage: npm run bench -- [options]

Seeds the embedded authorization server in temporary folders, runs the tracker and the load
generator in their own processes on loopback, and writes docs/benchmarks.md with SVG plots.

Options:
  --quick              smoke run: store size 10000 only, fewer repetitions, 5 s of load
  --sizes LIST         store sizes of the list case, comma-separated (default 10000,100000,1000000)
  --cases LIST         cases to run, comma-separated: list, revoke, load (default all)
  --duration SECONDS   length of the load run (default 30, or 5 with --quick)
  --output FILE        report to write (default docs/benchmarks.md); plots go to images/ beside it
  -h, --help           print this text`;

/** Parses the command line; throws a UsageError naming the bad value and the fix. */
export function parseBenchOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      cases: { type: 'string' },
      duration: { type: 'string' },
      output: { type: 'string', default: 'docs/benchmarks.md' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';

  const quick = values.quick;
  return {
    quick,
    sizes:
      values.sizes === undefined
        ? quick
          ? [10_000]
          : [10_000, 100_000, 1_000_000]
        : parseSizes(values.sizes),
    cases: values.cases === undefined ? [...CASES] : parseCases(values.cases),
    durationSeconds:
      values.duration === undefined ? (quick ? 5 : 30) : parseDuration(values.duration),
    output: values.output,
    argv,
  };
}

export class UsageError extends Error {}

/** Largest store the list case seeds: about 350 MB of SQLite per million delegations. */
const MAX_SIZE = 5_000_000;
/** Smallest store: the user under test owns 20 of its delegations. */
const MIN_SIZE = 100;

function parseSizes(text: string): number[] {
  const sizes = text.split(',').map((part) => part.trim());
  const parsed = sizes.map((part) => {
    const size = /^[0-9]{1,9}$/.test(part) ? Number(part) : Number.NaN;
    if (!(size >= MIN_SIZE && size <= MAX_SIZE)) {
      throw new UsageError(
        `--sizes: "${part}" is not a whole number from ${MIN_SIZE} to ${MAX_SIZE}. Example: --sizes 10000,100000`,
      );
    }
    return size;
  });
  return [...new Set(parsed)].sort((a, b) => a - b);
}

function parseCases(text: string): CaseName[] {
  const names = text.split(',').map((part) => part.trim());
  for (const name of names) {
    if (!(CASES as readonly string[]).includes(name)) {
      throw new UsageError(`--cases: unknown case "${name}". Choose from ${CASES.join(', ')}.`);
    }
  }
  return CASES.filter((name) => names.includes(name));
}

function parseDuration(text: string): number {
  const seconds = /^[0-9]{1,4}$/.test(text) ? Number(text) : Number.NaN;
  if (!(seconds >= 1 && seconds <= 3600)) {
    throw new UsageError(`--duration: "${text}" is not a whole number of seconds from 1 to 3600.`);
  }
  return seconds;
}
