import { randomBytes, randomUUID } from 'node:crypto';

/** In-memory state of the mock tracker: delegations, sessions, devices and the audit trail. */

export interface MockDevice {
  /** Value of the mock's device cookie. */
  id: string;
  publicId: string;
  browser: string;
  os: string;
}

export interface MockDelegation {
  id: string;
  delegationId: string;
  clientId: string;
  owner: string;
  status: 'issued' | 'revoked';
  scope: string[];
  created: string;
  expires: string;
  /** Public id of the device that created it, or null when unknown. */
  devicePublicId: string | null;
  /** Device cookie of the browser that stores its tokens; null when no browser here stores them. */
  tokensHeldBy: string | null;
}

export interface MockSession {
  username: string;
  name: string;
  isAdmin: boolean;
  csrfToken: string;
  clientId: string;
  deviceId: string;
}

export interface MockAuditEntry {
  id: number;
  at: string;
  actor: string;
  actorIsAdmin: boolean;
  action: string;
  delegationId?: string;
  scimId?: string;
  owner?: string;
  clientId?: string;
  result: 'started' | 'succeeded' | 'failed';
  detail?: string;
  correlationId?: string;
}

export const MOCK_CLIENTS = [
  { id: 'www', label: 'Web shop (www)' },
  { id: 'www2', label: 'Partner portal (www2)' },
];

export const MOCK_USERS: Record<string, { name: string; isAdmin: boolean }> = {
  janedoe: { name: 'Jane Doe', isAdmin: false },
  larseriksson: { name: 'Lars Eriksson', isAdmin: false },
  admin: { name: 'Ada Admin', isAdmin: true },
};

const HOUR_MS = 3600 * 1000;

export class MockState {
  readonly delegations = new Map<string, MockDelegation>();
  readonly sessions = new Map<string, MockSession>();
  readonly devices = new Map<string, MockDevice>();
  readonly audit: MockAuditEntry[] = [];
  /** Username the next sign-in at the mock authorization endpoint becomes. */
  nextUser = 'janedoe';
  /** SCIM ids whose revocation fails, to show failure reports. */
  readonly failingIds = new Set<string>();
  /** Paths that get a 502 HTML page, as a proxy in front of a stopped tracker would send. */
  readonly brokenPaths = new Set<string>();
  /** Pause between NDJSON progress lines in ms, so progress bars are visible. */
  progressDelayMs = 120;
  private readonly listeners = new Set<(owner: string) => void>();

  constructor(now = Date.now()) {
    const phone = this.addDevice('Safari 18', 'iOS');
    const laptop = this.addDevice('Firefox 128', 'Windows');
    this.seed('janedoe', 'www2', phone.publicId, now - 26 * HOUR_MS, 20);
    this.seed('janedoe', 'www', laptop.publicId, now - 3 * HOUR_MS, 70);
    this.seed('janedoe', 'www', null, now - 50 * HOUR_MS, 2);
    for (let index = 0; index < 7; index += 1) {
      this.seed(
        'larseriksson',
        index % 2 === 0 ? 'www' : 'www2',
        laptop.publicId,
        now - index * HOUR_MS,
        30 + index,
      );
    }
  }

  addDevice(browser: string, os: string, id = randomUUID()): MockDevice {
    const device = { id, publicId: randomBytes(9).toString('base64url'), browser, os };
    this.devices.set(id, device);
    return device;
  }

  devicesByPublicId(): Map<string, MockDevice> {
    return new Map([...this.devices.values()].map((device) => [device.publicId, device]));
  }

  seed(
    owner: string,
    clientId: string,
    devicePublicId: string | null,
    createdAt: number,
    hoursLeft: number,
    tokensHeldBy: string | null = null,
  ): MockDelegation {
    const delegation: MockDelegation = {
      id: randomUUID(),
      delegationId: randomUUID(),
      clientId,
      owner,
      status: 'issued',
      scope: ['openid', 'profile'],
      created: new Date(createdAt).toISOString(),
      expires: new Date(Date.now() + hoursLeft * HOUR_MS).toISOString(),
      devicePublicId,
      tokensHeldBy,
    };
    this.delegations.set(delegation.id, delegation);
    return delegation;
  }

  issued(owner?: string): MockDelegation[] {
    return [...this.delegations.values()].filter(
      (delegation) =>
        delegation.status === 'issued' && (owner === undefined || delegation.owner === owner),
    );
  }

  /** Revokes one delegation; throws for the ids in `failingIds`. */
  revoke(delegation: MockDelegation): 'revoked' | 'already-revoked' {
    if (this.failingIds.has(delegation.id)) {
      throw new Error('The authorization server did not answer in time (mock failure).');
    }
    if (delegation.status === 'revoked') return 'already-revoked';
    delegation.status = 'revoked';
    this.notify(delegation.owner);
    return 'revoked';
  }

  appendAudit(entry: Omit<MockAuditEntry, 'id' | 'at'>): void {
    this.audit.push({ id: this.audit.length + 1, at: new Date().toISOString(), ...entry });
  }

  onChange(listener: (owner: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(owner: string): void {
    for (const listener of this.listeners) listener(owner);
  }
}

export function relabel(clientId: string): string {
  return MOCK_CLIENTS.find((client) => client.id === clientId)?.label ?? clientId;
}
