import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deepMerge, environmentNameOf, readEnvironment } from './env.ts';
import { ConfigError } from './errors.ts';
import { describeIssue } from './issues.ts';
import { SettingSources } from './sources.ts';
import { configSchema, LOOPBACK_HOSTS, type ClientConfig, type ParsedConfig } from './schema.ts';
import { resolveIdpConfig, type IdpConfig } from './idp.ts';

export type { ClientConfig, IdpConfig };

export interface AuthServerConfig {
  mode: 'embedded' | 'external';
  issuer: string;
  caFile: string | undefined;
  clients: ClientConfig[];
  scopes: string;
  requestTimeoutMs: number;
  /** True only for a plain-HTTP issuer on loopback, which openid-client otherwise refuses. */
  allowInsecureHttp: boolean;
  scim: {
    baseUrl: string;
    clientId: string;
    clientSecret: string;
    scope: string;
    shape: 'auto' | 'modern' | 'legacy';
    pageSize: number;
    revokeConcurrency: number;
  };
  introspection: { clientId: string; clientSecret: string; mode: 'json' | 'jwt' };
  logout: { style: 'oidc' | 'curity'; curityLogoutUrl: string | undefined };
}

export interface TrackerConfig {
  host: string;
  port: number;
  publicUrl: string;
  redirectUri: string;
  cookieSecret: Buffer;
  dataDir: string;
  trustProxy: boolean;
  sessionTtlSeconds: number;
  pollIntervalSeconds: number;
}

export interface Config {
  tracker: TrackerConfig;
  databaseUrl: string | undefined;
  authServer: AuthServerConfig;
  admin: ParsedConfig['admin'];
  idp: IdpConfig;
  /**
   * Development shortcuts in force, printed once at start: `tracker` by the commands that run the
   * tracker, `idp` by those that run the embedded server.
   */
  warnings: { tracker: string[]; idp: string[] };
}

export { ConfigError };

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Settings that win over the file and the environment, as tests pass them. */
  overrides?: unknown;
}

/**
 * Loads the configuration from the JSON file named by SESSION_TRACKER_CONFIG, then the
 * environment, then `overrides`, validates it and fills in the embedded server's wiring.
 * Throws a ConfigError that names every invalid field.
 */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const file = env.SESSION_TRACKER_CONFIG || undefined;
  const fromFile = readConfigFile(file);
  const fromEnvironment = readEnvironment(env);
  const overrides = options.overrides ?? {};
  const raw = deepMerge(deepMerge(fromFile, fromEnvironment.values), overrides);

  const sources = new SettingSources();
  if (file) sources.addFile(file, fromFile);
  sources.addEnvironment(fromEnvironment.settings);
  sources.addOverrides(overrides);

  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.flatMap((issue) => describeIssue(issue, sources, file)),
    );
  }

  return Object.freeze(resolveConfig(parsed.data)) as Config;
}

function readConfigFile(path: string | undefined): unknown {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([
      `SESSION_TRACKER_CONFIG: cannot read ${path} (${(error as NodeJS.ErrnoException).code}). Point it at an existing JSON file or unset it.`,
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError([
      `SESSION_TRACKER_CONFIG: ${path} is not valid JSON (${(error as Error).message}). Fix the file's syntax.`,
    ]);
  }
}

function resolveConfig(parsed: ParsedConfig): Config {
  const problems: string[] = [];
  const warnings = { tracker: [] as string[], idp: [] as string[] };
  const idp = resolveIdpConfig(parsed, warnings.idp, problems);
  const tracker = resolveTracker(parsed, idp, warnings.tracker, problems);
  const authServer = resolveAuthServer(parsed, idp, warnings.tracker, problems);

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    tracker,
    databaseUrl: parsed.database.url,
    authServer,
    admin: resolveAdmin(parsed),
    idp,
    warnings,
  };
}

/**
 * The embedded server's demo `admin` account carries `groups: ["session-admins"]`, so with no admin
 * setting in embedded mode that claim makes an administrator. External mode gets no default: there
 * nobody is an administrator until the configuration names them.
 */
function resolveAdmin(parsed: ParsedConfig): ParsedConfig['admin'] {
  const unset = parsed.admin.usernames.length === 0 && parsed.admin.claim === undefined;
  if (!unset || parsed.authServer.mode !== 'embedded') return parsed.admin;
  return { ...parsed.admin, claim: { name: 'groups', value: 'session-admins' } };
}

function resolveTracker(
  parsed: ParsedConfig,
  idp: IdpConfig,
  warnings: string[],
  problems: string[],
): TrackerConfig {
  const settings = parsed.tracker;
  const publicUrl = trimSlash(settings.publicUrl ?? `http://localhost:${settings.port}`);
  const dataDir = resolve(settings.dataDir);
  const onLoopback = isLoopback(settings.host);
  let cookieSecret: Buffer | undefined;

  if (settings.cookieSecret) {
    cookieSecret = Buffer.from(settings.cookieSecret, 'base64');
    if (cookieSecret.length < 32) {
      problems.push(
        'tracker.cookieSecret: decodes to fewer than 32 bytes. Generate one with `openssl rand -base64 32`.',
      );
    }
  } else if (parsed.authServer.mode === 'embedded' && idp.demo && onLoopback) {
    cookieSecret = readOrCreateSecret(join(dataDir, 'tracker-cookie-secret'));
    warnings.push(`tracker.cookieSecret is not set: using a generated one stored in ${dataDir}.`);
  } else {
    problems.push(
      `tracker.cookieSecret: missing. Set ${environmentNameOf(['tracker', 'cookieSecret'])} to 32 random bytes in base64 (\`openssl rand -base64 32\`); every instance needs the same value.`,
    );
  }

  if (!onLoopback && publicUrl.startsWith('http:')) {
    problems.push(
      `tracker.publicUrl: ${publicUrl} is plain HTTP while the tracker listens on ${settings.host}. Use an https URL, or listen on 127.0.0.1.`,
    );
  }

  return {
    host: settings.host,
    port: settings.port,
    publicUrl,
    redirectUri: `${publicUrl}/auth/callback`,
    cookieSecret: cookieSecret ?? Buffer.alloc(32),
    dataDir,
    trustProxy: settings.trustProxy,
    sessionTtlSeconds: settings.sessionTtlSeconds,
    pollIntervalSeconds: settings.pollIntervalSeconds,
  };
}

function resolveAuthServer(
  parsed: ParsedConfig,
  idp: IdpConfig,
  warnings: string[],
  problems: string[],
): AuthServerConfig {
  const settings = parsed.authServer;
  const embedded = settings.mode === 'embedded';
  const required = <T>(value: T | undefined, path: string, fallback: T | undefined): T => {
    const resolved = value ?? (embedded ? fallback : undefined);
    if (resolved === undefined) {
      problems.push(
        `authServer.${path}: missing; it is required when authServer.mode is "external". Set ${environmentNameOf(['authServer', ...path.split('.')])}.`,
      );
    }
    return resolved as T;
  };

  const issuer = trimSlash(required(settings.issuer, 'issuer', idp.issuer) ?? '');
  const webClients = idp.clients.filter((client) => client.kind === 'web');
  const scimClient = idp.clients.find((client) => client.kind === 'scim');
  const introspectionClient = idp.clients.find((client) => client.kind === 'introspection');
  const allowInsecureHttp = issuer.startsWith('http:') && isLoopbackUrl(issuer);

  if (issuer.startsWith('http:') && !allowInsecureHttp) {
    problems.push(
      `authServer.issuer: ${issuer} is plain HTTP on a host other than loopback. Use the https issuer URL.`,
    );
  }
  if (allowInsecureHttp && !embedded) {
    warnings.push(
      `authServer.issuer ${issuer} is plain HTTP; accepted only because it is on loopback.`,
    );
  }

  return {
    mode: settings.mode,
    issuer,
    caFile: settings.caFile,
    clients:
      required(
        settings.clients,
        'clients',
        webClients.map(({ id, secret, label }) => ({ id, secret, label })),
      ) ?? [],
    scopes: settings.scopes,
    requestTimeoutMs: settings.requestTimeoutMs,
    allowInsecureHttp,
    scim: {
      ...settings.scim,
      baseUrl: trimSlash(
        required(settings.scim.baseUrl, 'scim.baseUrl', `${idp.publicUrl}${idp.scimPath}`) ?? '',
      ),
      clientId: required(settings.scim.clientId, 'scim.clientId', scimClient?.id),
      clientSecret: required(settings.scim.clientSecret, 'scim.clientSecret', scimClient?.secret),
    },
    introspection: {
      mode: settings.introspection.mode,
      clientId: required(
        settings.introspection.clientId,
        'introspection.clientId',
        introspectionClient?.id,
      ),
      clientSecret: required(
        settings.introspection.clientSecret,
        'introspection.clientSecret',
        introspectionClient?.secret,
      ),
    },
    logout: {
      style: settings.logout.style,
      curityLogoutUrl:
        settings.logout.curityLogoutUrl ??
        (embedded ? `${idp.publicUrl}/authentication/logout` : undefined),
    },
  };
}

export function isLoopback(host: string): boolean {
  return (LOOPBACK_HOSTS as readonly string[]).includes(host) || host.startsWith('127.');
}

export function isLoopbackUrl(value: string): boolean {
  const host = new URL(value).hostname.replace(/^\[|\]$/g, '');
  return isLoopback(host);
}

export function trimSlash(value: string): string {
  return value.endsWith('/') ? value.slice(0, -1) : value;
}

/** Reads a 32-byte secret from `path`, creating it with mode 0600 when it does not exist. */
export function readOrCreateSecret(path: string): Buffer {
  if (existsSync(path)) return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  mkdirSync(resolve(path, '..'), { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(path, secret.toString('base64'), { mode: 0o600 });
  chmodSync(path, 0o600);
  return secret;
}
