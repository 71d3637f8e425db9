import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.ts';

const run = promisify(execFile);

const INSTALL_HINT =
  'Install the PostgreSQL server (Debian: `apt-get install -y postgresql`), or set PG_BIN to the folder that holds initdb and pg_ctl.';
/** The system account that runs the server when the tests run as root, which PostgreSQL refuses. */
const SERVER_ACCOUNT = 'postgres';
const SUPERUSER = 'postgres';

export interface PostgresServer {
  /** URL of a fresh database on the server. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a throwaway PostgreSQL server on 127.0.0.1 with its data and socket in a temporary
 * folder, creates a database, and returns its URL. Trust authentication on loopback only, and
 * fsync off because the data is thrown away. Throws with the server's log when it cannot start.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = findServerBinaries();
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'session-tracker-pg-'));
  if (asRoot) chownToServerAccount(dir);
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const port = await freePort();

  const pgCommand = (name: string, args: string[]) => {
    const file = join(bin, name);
    return asRoot ? run('runuser', ['-u', SERVER_ACCOUNT, '--', file, ...args]) : run(file, args);
  };

  let started = false;
  const stop = async (): Promise<void> => {
    process.off('exit', stopOnExit);
    if (started) await pgCommand('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w']);
    started = false;
    rmSync(dir, { recursive: true, force: true });
  };
  // A test run that ends without calling stop must not leave a server behind.
  const stopOnExit = (): void => {
    if (!started) return;
    try {
      const args = ['stop', '-D', dataDir, '-m', 'immediate', '-w'];
      if (asRoot)
        execFileSync('runuser', ['-u', SERVER_ACCOUNT, '--', join(bin, 'pg_ctl'), ...args]);
      else execFileSync(join(bin, 'pg_ctl'), args);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  process.on('exit', stopOnExit);

  try {
    await pgCommand('initdb', [
      '-D',
      dataDir,
      '-U',
      SUPERUSER,
      '--auth=trust',
      '--encoding=UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    const serverOptions = [
      '-c listen_addresses=127.0.0.1',
      `-c port=${port}`,
      `-c unix_socket_directories=${dir}`,
      '-c fsync=off',
      '-c max_connections=100',
    ].join(' ');
    await pgCommand('pg_ctl', [
      'start',
      '-D',
      dataDir,
      '-l',
      logFile,
      '-w',
      '-t',
      '60',
      '-o',
      serverOptions,
    ]);
    started = true;
    const url = await createDatabase(
      `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`,
      'tracker',
    );
    return { url, stop };
  } catch (error) {
    const log = existsSync(logFile)
      ? readFileSync(logFile, 'utf8').slice(-2000)
      : '(no server log)';
    await stop().catch(() => undefined);
    throw new Error(
      `Failed to start a test PostgreSQL server with ${bin}: ${describe(error)}\nServer log:\n${log}\n${INSTALL_HINT}`,
      { cause: error },
    );
  }
}

/**
 * Creates database `name` on the server of `serverUrl` and returns the new database's URL.
 * `name` must be a plain lowercase identifier.
 */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
    throw new Error(`Invalid database name "${name}": use lowercase letters, digits and _`);
  }
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Returns the folder with initdb and pg_ctl: PG_BIN, else the newest Debian install, else PATH. */
function findServerBinaries(): string {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => join(debianRoot, version, 'bin')));
  }
  candidates.push(...(process.env.PATH ?? '').split(':').filter(Boolean));

  const found = candidates.find(
    (dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')),
  );
  if (!found) {
    throw new Error(
      `PostgreSQL server programs (initdb, pg_ctl) were not found in PG_BIN, ${debianRoot}/*/bin or PATH. ${INSTALL_HINT}`,
    );
  }
  return found;
}

function chownToServerAccount(dir: string): void {
  let ids: string;
  try {
    ids = execFileSync('id', ['-u', SERVER_ACCOUNT], { encoding: 'utf8' }).trim();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `The tests run as root, and PostgreSQL refuses to run as root, but there is no "${SERVER_ACCOUNT}" account to run it as. ${INSTALL_HINT}`,
      { cause: error },
    );
  }
  const uid = Number(ids);
  const gid = Number(execFileSync('id', ['-g', SERVER_ACCOUNT], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
}

function describe(error: unknown): string {
  if (error && typeof error === 'object' && 'stderr' in error && error.stderr) {
    return String(error.stderr).trim();
  }
  return error instanceof Error ? error.message : String(error);
}
