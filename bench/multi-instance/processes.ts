import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** tsx compiles the sources on start, which takes several seconds on a busy machine. */
const START_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 200;
const STOP_TIMEOUT_MS = 15_000;

export interface ServerProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Sends SIGTERM and waits for the exit; sends SIGKILL if it takes longer than 15 s. */
  stop(): Promise<void>;
}

export interface ProcessOptions {
  name: string;
  /** Script and arguments, run as `node --import tsx <args>` in the repository root. */
  args: string[];
  /** Environment variables on top of PATH and HOME; nothing else of this process's environment. */
  env: Record<string, string>;
  folder: string;
  /** URL polled until it returns 200, which counts as started. */
  readyUrl: string;
}

/** Starts a server process with its output in `<folder>/<name>.log` and waits until it is ready. */
export async function startServerProcess(options: ProcessOptions): Promise<ServerProcess> {
  const logFile = join(options.folder, `${options.name}.log`);
  const log = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ['--import', 'tsx', ...options.args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }

  const server: ServerProcess = {
    name: options.name,
    pid: child.pid!,
    logFile,
    stop: () => stopChild(child),
  };
  try {
    await waitUntilReady(child, options.readyUrl);
  } catch (error) {
    await server.stop();
    throw new Error(
      `${options.name} did not start: ${(error as Error).message}\n${logTail(logFile)}`,
    );
  }
  return server;
}

/** Writes `config` as a JSON file for SESSION_TRACKER_CONFIG and returns its path. */
export function writeConfigFile(folder: string, name: string, config: unknown): string {
  const file = join(folder, `${name}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return file;
}

async function waitUntilReady(child: ChildProcess, url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`it exited with ${child.exitCode ?? child.signalCode}`);
    }
    if (await returnsOk(url)) return;
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  throw new Error(`${url} did not return 200 within ${START_TIMEOUT_MS} ms (timed out)`);
}

async function returnsOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function logTail(file: string, lines = 20): string {
  try {
    const tail = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines);
    return `Last lines of ${file}:\n${tail.join('\n')}`;
  } catch {
    return `(no log at ${file})`;
  }
}
