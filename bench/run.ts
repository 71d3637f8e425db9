import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { runListCase } from './cases/list.ts';
import { runLoadCase } from './cases/load.ts';
import { runRevokeCase } from './cases/revoke.ts';
import { describeMachine, loadAverage } from './lib/machine.ts';
import { HELP, parseBenchOptions, UsageError, type BenchOptions } from './lib/options.ts';
import { closeBenchConnections } from './lib/stack.ts';
import { buildCharts } from './report/charts.ts';
import { renderReport } from './report/markdown.ts';
import type { BenchResults } from './report/results.ts';
import { evaluateTargets } from './report/targets.ts';

/**
 * `npm run bench`: runs the chosen cases one after another, so they never compete with each other
 * for the cores, then writes the report and its plots.
 */
async function main(argv: string[]): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseBenchOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError) && !isParseArgsError(error)) throw error;
    console.error(`${(error as Error).message}\nRun \`npm run bench -- --help\` for the options.`);
    return 2;
  }
  if (options === 'help') {
    console.log(HELP);
    return 0;
  }

  const results = await runCases(options);
  writeReport(options, results);
  return 0;
}

async function runCases(options: BenchOptions): Promise<BenchResults> {
  const startedAt = new Date();
  const loadBefore = loadAverage();
  const results: Omit<BenchResults, 'minutes' | 'loadAverage'> & Partial<BenchResults> = {
    startedAt,
    command: ['npm run bench', ...(options.argv.length > 0 ? ['--', ...options.argv] : [])].join(
      ' ',
    ),
    quick: options.quick,
    durationSeconds: options.durationSeconds,
    machine: describeMachine(),
  };

  const caseLoad: BenchResults['loadAverage']['cases'] = {};
  try {
    if (options.cases.includes('list')) {
      caseLoad.list = loadAverage();
      results.list = await runListCase(options);
    }
    if (options.cases.includes('revoke')) {
      caseLoad.revoke = loadAverage();
      results.revoke = await runRevokeCase(options);
    }
    if (options.cases.includes('load')) {
      caseLoad.load = loadAverage();
      results.load = await runLoadCase(options);
    }
  } finally {
    await closeBenchConnections();
  }

  return {
    ...results,
    minutes: (Date.now() - startedAt.getTime()) / 60_000,
    loadAverage: { before: loadBefore, after: loadAverage(), cases: caseLoad },
  };
}

function writeReport(options: BenchOptions, results: BenchResults): void {
  const output = resolve(options.output);
  const imageFolder = join(dirname(output), 'images');
  const charts = buildCharts(results);
  const targets = evaluateTargets(results);

  mkdirSync(imageFolder, { recursive: true });
  for (const chart of charts) writeFileSync(join(imageFolder, chart.name), chart.svg);
  const existing = existsSync(output) ? readFileSync(output, 'utf8') : undefined;
  writeFileSync(output, renderReport(existing, results, targets, charts));

  console.log(`\nWrote ${output} and ${charts.length} plot(s) in ${imageFolder}.`);
  for (const target of targets) {
    let verdict = 'not measured';
    if (target.met !== undefined) verdict = target.met ? 'met' : 'MISSED';
    console.log(`  ${verdict.padEnd(12)} ${target.target}: ${target.measured}`);
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

process.exitCode = await main(process.argv.slice(2));
