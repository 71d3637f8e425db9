import { z } from 'zod';

/** Loopback hosts: the only ones the development defaults may listen on. */
export const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'] as const;

/** A TCP port to listen on. The embedded server's port is part of its issuer URL, so 0 is refused. */
const port = z.coerce
  .number({ error: 'must be a number' })
  .int()
  .min(1, 'must be a port from 1 to 65535')
  .max(65535, 'must be a port from 1 to 65535');

const url = z.url({ protocol: /^https?$/ });

const clientSchema = z.strictObject({
  id: z.string().min(1),
  secret: z.string().min(1),
  label: z.string().min(1).optional(),
});

/** The embedded authorization server, which stands in for Curity Identity Server. */
export const idpSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: port.default(5556),
  /** Public base URL; the issuer is this plus `issuerPath`. Defaults to http://host:port. */
  publicUrl: url.optional(),
  issuerPath: z.string().startsWith('/').default('/oauth/v2/oauth-anonymous'),
  dataDir: z.string().default('data/idp'),
  scimPath: z.string().startsWith('/').default('/um/admin'),
  /** Scopes a SCIM bearer token must carry; empty means any client-credentials token. */
  scimRequiredScopes: z.array(z.string()).default(['urn:se:curity:scopes:admin:api']),
  /** Serve the 2019 Curity shape: `sub` and `exp` in place of `owner` and `expires`, no filters. */
  scimLegacyShape: z.boolean().default(false),
  /** Added delay in milliseconds on each SCIM request, for benchmarks of slow servers. */
  scimDelayMs: z.coerce.number({ error: 'must be a number' }).int().min(0).max(60_000).default(0),
  reuseRefreshTokens: z.boolean().default(false),
  /** Accepted `redirect_uri` prefixes of `GET /authentication/logout`. */
  logoutRedirectAllowlist: z.array(z.string()).default([]),
  accessTokenTtlSeconds: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .positive()
    .default(300),
  refreshTokenTtlSeconds: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .positive()
    .default(86_400),
  /** Lifetime of a delegation, and so of every token issued under it. */
  delegationTtlSeconds: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .positive()
    .default(86_400),
  /** Turns on the demo accounts and demo client secrets; refused beyond loopback. */
  demo: z.boolean().default(true),
  clients: z
    .array(
      clientSchema.extend({
        kind: z.enum(['web', 'scim', 'introspection']).default('web'),
        redirectUris: z.array(url).default([]),
        postLogoutRedirectUris: z.array(url).default([]),
      }),
    )
    .optional(),
});

export const authServerSchema = z.strictObject({
  /** `embedded` starts the embedded server in-process and wires the tracker to it. */
  mode: z.enum(['embedded', 'external']).default('embedded'),
  issuer: url.optional(),
  /** PEM file with extra certificate authorities for an https issuer. */
  caFile: z.string().optional(),
  clients: z.array(clientSchema).min(1).optional(),
  scopes: z.string().default('openid profile'),
  requestTimeoutMs: z.coerce.number({ error: 'must be a number' }).int().positive().default(10_000),
  scim: z
    .strictObject({
      baseUrl: url.optional(),
      clientId: z.string().min(1).optional(),
      clientSecret: z.string().min(1).optional(),
      scope: z.string().default('urn:se:curity:scopes:admin:api'),
      /** `modern`: owner/expires with server-side filters; `legacy`: sub/exp, filtered here. */
      shape: z.enum(['auto', 'modern', 'legacy']).default('auto'),
      pageSize: z.coerce.number({ error: 'must be a number' }).int().min(1).max(1000).default(50),
      /** Parallel SCIM DELETE requests during revoke-all and bulk revocation. */
      revokeConcurrency: z.coerce
        .number({ error: 'must be a number' })
        .int()
        .min(1)
        .max(64)
        .default(16),
    })
    .default({
      scope: 'urn:se:curity:scopes:admin:api',
      shape: 'auto',
      pageSize: 50,
      revokeConcurrency: 16,
    }),
  introspection: z
    .strictObject({
      clientId: z.string().min(1).optional(),
      clientSecret: z.string().min(1).optional(),
      mode: z.enum(['json', 'jwt']).default('json'),
    })
    .default({ mode: 'json' }),
  logout: z
    .strictObject({
      /** `oidc`: the discovered end_session_endpoint; `curity`: GET {url}?redirect_uri=… */
      style: z.enum(['oidc', 'curity']).default('oidc'),
      curityLogoutUrl: url.optional(),
    })
    .default({ style: 'oidc' }),
});

export const trackerSchema = z
  .strictObject({
    host: z.string().default('127.0.0.1'),
    /** 0 picks a free port, which only works behind a proxy that serves `publicUrl`. */
    port: z.coerce.number({ error: 'must be a number' }).int().min(0).max(65535).default(5555),
    /** The URL browsers use; the OAuth redirect URI is this plus /auth/callback. */
    publicUrl: url.optional(),
    /** 32 or more random bytes, base64: signs cookies and derives the token encryption key. */
    cookieSecret: z.string().min(43).optional(),
    dataDir: z.string().default('data'),
    /** Trust X-Forwarded-* headers from a reverse proxy. */
    trustProxy: z.boolean().default(false),
    sessionTtlSeconds: z.coerce
      .number({ error: 'must be a number' })
      .int()
      .positive()
      .default(8 * 3600),
    /** How often open dashboards re-read the authorization server, in seconds. */
    pollIntervalSeconds: z.coerce.number({ error: 'must be a number' }).int().min(1).default(30),
  })
  .refine((tracker) => tracker.port !== 0 || tracker.publicUrl !== undefined, {
    path: ['port'],
    message:
      'must be a port from 1 to 65535 (0, a port picked at start, needs tracker.publicUrl, the URL browsers use)',
  });

export const adminSchema = z.strictObject({
  usernames: z.array(z.string().min(1)).default([]),
  claim: z.strictObject({ name: z.string().min(1), value: z.string().min(1) }).optional(),
});

export const configSchema = z.strictObject({
  tracker: trackerSchema.prefault({}),
  database: z.strictObject({ url: z.string().optional() }).prefault({}),
  authServer: authServerSchema.prefault({}),
  admin: adminSchema.prefault({}),
  idp: idpSchema.prefault({}),
});

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type ClientConfig = z.output<typeof clientSchema>;
