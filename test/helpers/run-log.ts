/**
 * Log files of one test run, and the secret values the run saw, so that a check after the last
 * test can search every log line for a leaked token, code or secret.
 *
 * `npm test` sets TEST_RUN_LOGS to a new folder per run. Every test process writes its log files
 * there, one per stack, and appends each secret value it learns to `secrets-<pid>.jsonl` beside
 * them. Without TEST_RUN_LOGS (a single test file run by hand) nothing is written.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino, { type DestinationStream } from 'pino';
import type { Config } from '../../src/config/load.ts';
import { DEMO_ACCOUNTS } from '../../src/idp/accounts.ts';
import { DATABASE_FILE } from '../../src/idp/store/database.ts';
import { createLogger, type Logger } from '../../src/shared/logger.ts';
import type { TrackerStore } from '../../src/store/types.ts';

export const RUN_LOGS_VARIABLE = 'TEST_RUN_LOGS';

/** Shorter values are too likely to occur in a log line by chance (a counter, a word). */
const MIN_SECRET_LENGTH = 8;

const recorded = new Set<string>();
let logCount = 0;

/** Returns the folder of this test run's logs, or undefined when the run writes none. */
export function runLogFolder(): string | undefined {
  return process.env[RUN_LOGS_VARIABLE] || undefined;
}

/**
 * Returns a synchronous file destination for one logger, named after `label`, or undefined when
 * the run writes no logs. Synchronous writes keep the last lines of a process that exits early.
 */
export function runLogDestination(label: string): DestinationStream | undefined {
  const folder = runLogFolder();
  if (!folder) return undefined;
  logCount += 1;
  const name = `${process.pid}-${logCount}-${label.replace(/[^A-Za-z0-9_-]/g, '_')}.log`;
  return pino.destination({ dest: join(folder, name), sync: true, mkdir: true });
}

/**
 * Creates a stack's logger. With a run folder, every line down to `trace` also goes to a file
 * there. `destination` still gets the lines of `level` and above, as without a run folder.
 */
export function createRunLogger(
  label: string,
  level: string,
  destination?: DestinationStream,
): Logger {
  const file = runLogDestination(label);
  if (!file) return createLogger({ level }, destination);
  if (!destination || level === 'silent') return createLogger({ level: 'trace' }, file);

  const streams = pino.multistream([
    { stream: file, level: 'trace' },
    { stream: destination, level: level as pino.Level },
  ]);
  return createLogger({ level: 'trace' }, streams);
}

/** Records a value that must never appear in a log line, with what it is. */
export function recordSecret(kind: string, value: string | null | undefined): void {
  const folder = runLogFolder();
  if (!folder || !value || value.length < MIN_SECRET_LENGTH) return;
  const key = `${folder}\n${value}`;
  if (recorded.has(key)) return;
  recorded.add(key);
  appendFileSync(
    join(folder, `secrets-${process.pid}.jsonl`),
    `${JSON.stringify({ kind, value })}\n`,
  );
}

/** Records every client secret, the cookie secret and the demo passwords of a configuration. */
export function recordConfigSecrets(config: Config): void {
  recordSecret('cookie secret', config.tracker.cookieSecret.toString('base64'));
  recordSecret('cookie secret', config.tracker.cookieSecret.toString('base64url'));
  for (const client of config.idp.clients)
    recordSecret(`client secret of ${client.id}`, client.secret);
  for (const client of config.authServer.clients)
    recordSecret(`client secret of ${client.id}`, client.secret);
  recordSecret('SCIM client secret', config.authServer.scim.clientSecret);
  recordSecret('introspection client secret', config.authServer.introspection.clientSecret);
  for (const account of DEMO_ACCOUNTS)
    recordSecret(`password of ${account.username}`, account.password);
}

/**
 * Wraps the store's write methods so that every token, CSRF token and login transaction value
 * the tracker stores is recorded before it is written.
 */
export function recordStoreSecrets(store: TrackerStore): void {
  if (!runLogFolder()) return;
  const saveTokens = store.saveTokens.bind(store);
  store.saveTokens = (tokens) => {
    recordSecret('access token', tokens.accessToken);
    recordSecret('refresh token', tokens.refreshToken);
    return saveTokens(tokens);
  };
  const createSession = store.createSession.bind(store);
  store.createSession = (session) => {
    recordSecret('ID token', session.idToken);
    recordSecret('CSRF token', session.csrfToken);
    return createSession(session);
  };
  const saveLoginTransaction = store.saveLoginTransaction.bind(store);
  store.saveLoginTransaction = (transaction) => {
    recordSecret('state', transaction.state);
    recordSecret('nonce', transaction.nonce);
    recordSecret('PKCE code verifier', transaction.codeVerifier);
    return saveLoginTransaction(transaction);
  };
}

/** oidc-provider models whose id is the secret value itself: opaque tokens, codes and sessions. */
const SECRET_MODELS = [
  'AccessToken',
  'ClientCredentials',
  'RefreshToken',
  'AuthorizationCode',
  'Session',
  'Interaction',
];

/**
 * Records every token, code and session id the embedded server still stores, read from its
 * SQLite file before the stack's folder is deleted. These include the SCIM client's tokens, which
 * neither the tracker's store nor the test browser ever holds.
 */
export function recordEmbeddedServerSecrets(idpDataDir: string): void {
  const file = join(idpDataDir, DATABASE_FILE);
  if (!runLogFolder() || !existsSync(file)) return;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const placeholders = SECRET_MODELS.map(() => '?').join(', ');
    const rows = db
      .prepare(`SELECT model, id FROM oidc_models WHERE model IN (${placeholders})`)
      .all(...SECRET_MODELS);
    for (const { model, id } of rows as { model: string; id: string }[])
      recordSecret(`embedded server ${model}`, id);
  } finally {
    db.close();
  }
}

/**
 * Records the secrets in a response a test browser received: cookie values, and the code and
 * state of a redirect to a callback.
 */
export function recordResponseSecrets(response: Response): void {
  if (!runLogFolder()) return;
  for (const cookie of response.headers.getSetCookie()) {
    const [name = '', ...rest] = (cookie.split(';')[0] ?? '').split('=');
    recordSecret(`cookie ${name}`, rest.join('='));
  }
  const location = response.headers.get('location');
  if (!location) return;
  const query = new URL(location, 'http://placeholder.invalid').searchParams;
  for (const name of ['code', 'state', 'id_token_hint', 'access_token', 'refresh_token']) {
    recordSecret(`${name} in a redirect`, query.get(name));
  }
}

export interface Leak {
  kind: string;
  file: string;
  line: number;
}

/** Length of the prefix that `findLeaks` looks secrets up by: the shortest secret recorded. */
const PREFIX_LENGTH = MIN_SECRET_LENGTH;

/**
 * Searches every log file of the run folder for every recorded secret, whole or its last 24
 * characters (a token cut short by a log formatter still leaks). Returns where each was found.
 * Each position of the logs is looked up by its next 8 characters in a map of the secrets'
 * prefixes, so the search takes time in proportion to the size of the logs, not logs × secrets.
 */
export function findLeaks(folder: string): {
  leaks: Leak[];
  secrets: number;
  logFiles: number;
  bytes: number;
} {
  const files = readdirSync(folder);
  const byPrefix = new Map<string, { value: string; kind: string; whole?: string }[]>();
  let secrets = 0;
  const add = (value: string, kind: string, whole?: string) => {
    const prefix = value.slice(0, PREFIX_LENGTH);
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), { value, kind, whole }]);
    secrets += 1;
  };
  for (const file of files.filter((name) => /^secrets-\d+\.jsonl$/.test(name))) {
    for (const line of readFileSync(join(folder, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const { kind, value } = JSON.parse(line) as { kind: string; value: string };
      add(value, kind);
      if (value.length >= 40) add(value.slice(-24), `end of a ${kind}`, value);
    }
  }

  const leaks: Leak[] = [];
  const logFiles = files.filter((name) => name.endsWith('.log'));
  let bytes = 0;
  for (const file of logFiles) {
    const text = readFileSync(join(folder, file), 'utf8');
    bytes += text.length;
    const found = new Map<string, Leak & { whole?: string }>();
    for (let index = 0; index <= text.length - PREFIX_LENGTH; index += 1) {
      const candidates = byPrefix.get(text.slice(index, index + PREFIX_LENGTH));
      if (!candidates) continue;
      for (const candidate of candidates) {
        if (found.has(candidate.value) || !text.startsWith(candidate.value, index)) continue;
        found.set(candidate.value, {
          kind: candidate.kind,
          file,
          line: lineNumberAt(text, index),
          whole: candidate.whole,
        });
      }
    }
    // The end of a secret found whole in the same file is the same leak.
    for (const { whole, ...leak } of found.values()) {
      if (whole === undefined || !found.has(whole)) leaks.push(leak);
    }
  }
  return { leaks, secrets, logFiles: logFiles.length, bytes };
}

function lineNumberAt(text: string, index: number): number {
  let line = 1;
  for (
    let position = text.indexOf('\n');
    position !== -1 && position < index;
    position = text.indexOf('\n', position + 1)
  ) {
    line += 1;
  }
  return line;
}
