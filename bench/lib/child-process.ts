import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Messages a child sends to the benchmark; see bench/children/ipc.ts for the other side. */
export type ChildMessage =
  | { type: 'ready'; value: unknown }
  | { type: 'failed'; message: string }
  | { type: 'reply'; id: number; value?: unknown; error?: string };

export interface ChildOptions {
  /** Script under bench/children/, e.g. `idp.ts`. */
  script: string;
  /** Handed to the child as JSON; the child reads it with `readChildInput()`. */
  input: unknown;
  /** The child's stdout and stderr go to this file, so its logs can be read after a failure. */
  logFile: string;
  /** How long the child may take to report that it is ready. */
  startTimeoutMs: number;
}

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STOP_TIMEOUT_MS = 15_000;

/**
 * A benchmark process of its own (a server or the load generator), started with tsx. Its pid is
 * the Node process itself, so /proc/<pid>/status shows that process's memory only.
 */
export class BenchChild<Ready = unknown> {
  readonly pid: number;
  readonly ready: Ready;
  readonly logFile: string;
  readonly #process: ChildProcess;
  #nextId = 1;

  private constructor(child: ChildProcess, ready: Ready, logFile: string) {
    this.#process = child;
    this.pid = child.pid!;
    this.ready = ready;
    this.logFile = logFile;
  }

  static async start<Ready>(options: ChildOptions): Promise<BenchChild<Ready>> {
    const log = openSync(options.logFile, 'a');
    let child: ChildProcess;
    try {
      child = fork(fileURLToPath(new URL(`../children/${options.script}`, import.meta.url)), [], {
        cwd: REPO_ROOT,
        execArgv: ['--import', 'tsx', ...profilingFlags()],
        env: { ...process.env, BENCH_CHILD_INPUT: JSON.stringify(options.input) },
        stdio: ['ignore', log, log, 'ipc'],
      });
    } finally {
      closeSync(log);
    }

    const ready = await waitForReady(child, options);
    return new BenchChild<Ready>(child, ready as Ready, options.logFile);
  }

  /** Asks the child to run one of its named handlers and returns the handler's value. */
  request<T>(name: string, argument?: unknown, timeoutMs = 10 * 60_000): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolveReply, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`${name} in child ${this.pid} timed out after ${timeoutMs} ms.`)),
        timeoutMs,
      );
      const onMessage = (message: ChildMessage) => {
        if (message.type !== 'reply' || message.id !== id) return;
        finish(message.error === undefined ? undefined : new Error(message.error), message.value);
      };
      const onExit = (code: number | null) =>
        finish(
          new Error(
            `Child ${this.pid} exited with ${code} during ${name}. Its log: ${this.logFile}`,
          ),
        );
      const finish = (error?: Error, value?: unknown) => {
        clearTimeout(timer);
        this.#process.off('message', onMessage);
        this.#process.off('exit', onExit);
        if (error) reject(error);
        else resolveReply(value as T);
      };
      this.#process.on('message', onMessage);
      this.#process.once('exit', onExit);
      this.#process.send({ type: 'request', id, name, argument });
    });
  }

  /** Asks the child to close its servers and exit; kills it by pid if it does not within 15 s. */
  async stop(): Promise<void> {
    if (this.#process.exitCode !== null || this.#process.signalCode !== null) return;
    const exited = new Promise<void>((resolveExit) =>
      this.#process.once('exit', () => resolveExit()),
    );
    this.#process.send({ type: 'stop' });
    const timer = setTimeout(() => this.#process.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * With BENCH_CPU_PROFILE_DIR set, every child writes a V8 CPU profile there when it exits, to find
 * where a server spends its time; Chrome DevTools opens the .cpuprofile files.
 */
function profilingFlags(): string[] {
  const folder = process.env.BENCH_CPU_PROFILE_DIR;
  return folder ? ['--cpu-prof', `--cpu-prof-dir=${folder}`] : [];
}

function waitForReady(child: ChildProcess, options: ChildOptions): Promise<unknown> {
  return new Promise((resolveReady, reject) => {
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${options.script} did not start: ${reason}.\n${logTail(options.logFile)}`));
    };
    const timer = setTimeout(
      () => fail(`no ready message within ${options.startTimeoutMs} ms`),
      options.startTimeoutMs,
    );
    child.once('exit', (code) => fail(`it exited with code ${code}`));
    child.once('message', (message: ChildMessage) => {
      if (message.type === 'ready' && !settled) {
        settled = true;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolveReady(message.value);
      } else if (message.type === 'failed') {
        fail(message.message);
      }
    });
  });
}

/** Returns the last lines of a child's log, for error messages. */
export function logTail(file: string, lines = 20): string {
  if (!existsSync(file)) return `(no log at ${file})`;
  const tail = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines);
  return `Last lines of ${file}:\n${tail.join('\n')}`;
}
