import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { AuthServerConfig } from '../../../src/config/load.ts';
import { createAuthServerClients, type AuthServerClients } from '../../../src/auth-server/index.ts';
import { REDACTED_PATHS, type Logger } from '../../../src/shared/logger.ts';
import { FAKE_CLIENTS, type FakeAuthServer } from './fake-auth-server.ts';

/** A pino logger that keeps every line in memory, with the project's redaction rules. */
export interface MemoryLogger {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
  /** All output as one string, for checks that no secret was written. */
  text(): string;
  /** Called with each line as it is written. */
  onLine: ((line: Record<string, unknown>) => void) | undefined;
}

export function memoryLogger(): MemoryLogger {
  const raw: string[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const memory: MemoryLogger = {
    lines,
    text: () => raw.join(''),
    onLine: undefined,
    logger: pino(
      { level: 'debug', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          const text = chunk.toString('utf8');
          raw.push(text);
          for (const line of text.split('\n').filter(Boolean)) {
            const parsed = JSON.parse(line) as Record<string, unknown>;
            lines.push(parsed);
            memory.onLine?.(parsed);
          }
          callback();
        },
      }),
    ),
  };
  return memory;
}

export function messages(memory: MemoryLogger): string[] {
  return memory.lines.map((line) => String(line.msg));
}

/** Settings that point every client at the fake server; `overrides` replaces top-level fields. */
export function configFor(
  server: FakeAuthServer,
  overrides: Partial<AuthServerConfig> = {},
): AuthServerConfig {
  return {
    mode: 'external',
    issuer: server.issuer,
    caFile: undefined,
    clients: [
      { id: 'www', secret: FAKE_CLIENTS.www!, label: 'Web shop' },
      { id: 'www2', secret: FAKE_CLIENTS.www2! },
    ],
    scopes: 'openid profile',
    requestTimeoutMs: 2_000,
    allowInsecureHttp: true,
    scim: {
      baseUrl: server.scimBaseUrl,
      clientId: 'tracker',
      clientSecret: FAKE_CLIENTS.tracker!,
      scope: 'urn:se:curity:scopes:admin:api',
      shape: 'auto',
      pageSize: 50,
      revokeConcurrency: 4,
    },
    introspection: {
      clientId: 'introspector',
      clientSecret: FAKE_CLIENTS.introspector!,
      mode: 'json',
    },
    logout: { style: 'oidc', curityLogoutUrl: undefined },
    ...overrides,
  };
}

/** Short backoff so that retry tests finish quickly; the policy itself is what is tested. */
export const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 100 };

export async function clientsFor(
  server: FakeAuthServer,
  overrides: Partial<AuthServerConfig> = {},
  memory: MemoryLogger = memoryLogger(),
): Promise<AuthServerClients & { memory: MemoryLogger }> {
  const clients = await createAuthServerClients(configFor(server, overrides), {
    logger: memory.logger,
    retryPolicy: FAST_RETRY,
  });
  return { ...clients, memory };
}
