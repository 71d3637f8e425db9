import { resolve } from 'node:path';
import type { ParsedConfig } from './schema.ts';

export interface IdpClient {
  id: string;
  secret: string;
  label: string | undefined;
  kind: 'web' | 'scim' | 'introspection';
  redirectUris: string[];
  postLogoutRedirectUris: string[];
}

export type IdpConfig = Omit<ParsedConfig['idp'], 'clients' | 'publicUrl'> & {
  publicUrl: string;
  issuer: string;
  clients: IdpClient[];
};

/**
 * Demo client secrets of the embedded server. They are public (the README lists them), so the
 * embedded server refuses to listen beyond loopback while they are in use.
 */
export const DEMO_CLIENT_SECRETS = {
  www: 'demo-www-secret',
  www2: 'demo-www2-secret',
  tracker: 'demo-tracker-scim-secret',
  introspector: 'demo-introspector-secret',
} as const;

export function resolveIdpConfig(
  parsed: ParsedConfig,
  warnings: string[],
  problems: string[],
): IdpConfig {
  const { clients, publicUrl, ...settings } = parsed.idp;
  const base = (publicUrl ?? `http://${urlHost(settings.host)}:${settings.port}`).replace(
    /\/$/,
    '',
  );
  const trackerUrl = (
    parsed.tracker.publicUrl ?? `http://localhost:${parsed.tracker.port}`
  ).replace(/\/$/, '');
  const resolvedClients =
    clients?.map((client) => ({ ...client, label: client.label })) ?? demoClients(trackerUrl);
  const onLoopback =
    ['127.0.0.1', '::1', 'localhost'].includes(settings.host) || settings.host.startsWith('127.');

  if (settings.demo && !onLoopback) {
    problems.push(
      `idp.host: ${settings.host} is not a loopback address while idp.demo is on (public demo accounts and secrets). Set idp.demo to false and configure idp.clients, or listen on 127.0.0.1.`,
    );
  }
  if (!settings.demo && !clients) {
    problems.push(
      'idp.clients: missing while idp.demo is false. List the clients with their own secrets.',
    );
  }
  if (settings.demo) {
    warnings.push(
      'The embedded authorization server runs with demo accounts and demo client secrets; it listens on loopback only.',
    );
  }

  return {
    ...settings,
    dataDir: resolve(settings.dataDir),
    publicUrl: base,
    issuer: `${base}${settings.issuerPath}`,
    clients: resolvedClients,
    logoutRedirectAllowlist:
      settings.logoutRedirectAllowlist.length > 0
        ? settings.logoutRedirectAllowlist
        : [`${trackerUrl}/`],
  };
}

function demoClients(trackerUrl: string): IdpClient[] {
  const web = (id: 'www' | 'www2', label: string): IdpClient => ({
    id,
    secret: DEMO_CLIENT_SECRETS[id],
    label,
    kind: 'web',
    redirectUris: [`${trackerUrl}/auth/callback`],
    postLogoutRedirectUris: [`${trackerUrl}/`, `${trackerUrl}/auth/logged-out`],
  });
  const service = (id: 'tracker' | 'introspector', kind: 'scim' | 'introspection'): IdpClient => ({
    id,
    secret: DEMO_CLIENT_SECRETS[id],
    label: undefined,
    kind,
    redirectUris: [],
    postLogoutRedirectUris: [],
  });
  return [
    web('www', 'Web shop (www)'),
    web('www2', 'Partner portal (www2)'),
    service('tracker', 'scim'),
    service('introspector', 'introspection'),
  ];
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
