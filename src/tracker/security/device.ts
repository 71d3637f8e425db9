import Bowser from 'bowser';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Device, TrackerStore } from '../../store/types.ts';
import { cookiePolicy, readDeviceCookie, setDeviceCookie } from './cookies.ts';
import { publicDeviceId, randomToken } from './secrets.ts';
import type { TrackerContext } from '../context.ts';

/** A device cookie value is 32 random bytes in base64url; anything else is replaced. */
const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface DeviceIdentity {
  /** Private id: the device cookie's value, never sent to the authorization server. */
  id: string;
  /** HMAC of the private id, sent as `user_agent_id`. */
  publicId: string;
}

/** Returns the browser's device identity from its cookie, or null when it has none. */
export function currentDevice(
  request: FastifyRequest,
  context: TrackerContext,
): DeviceIdentity | null {
  const id = readDeviceCookie(request, cookiePolicy(context.config.tracker));
  if (!id || !DEVICE_ID_PATTERN.test(id)) return null;
  return { id, publicId: publicDeviceId(id, context.config.tracker.cookieSecret) };
}

/** Returns the browser's device identity, setting a new device cookie when it has none. */
export function ensureDevice(
  request: FastifyRequest,
  reply: FastifyReply,
  context: TrackerContext,
): DeviceIdentity {
  const existing = currentDevice(request, context);
  if (existing) return existing;

  const id = randomToken();
  setDeviceCookie(reply, cookiePolicy(context.config.tracker), id);
  return { id, publicId: publicDeviceId(id, context.config.tracker.cookieSecret) };
}

/** Stores the device with its parsed browser and OS and moves its last-seen time to now. */
export async function recordDevice(
  store: TrackerStore,
  device: DeviceIdentity,
  userAgent: string | undefined,
): Promise<Device> {
  const agent = userAgent ?? '';
  const parsed = Bowser.parse(agent);
  return store.upsertDevice({
    id: device.id,
    publicId: device.publicId,
    userAgent: agent,
    browser: describe(parsed.browser.name, majorVersion(parsed.browser.version)),
    os: describe(parsed.os.name, parsed.os.versionName),
    lastSeen: new Date(),
  });
}

function majorVersion(version: string | undefined): string | undefined {
  return version ? version.split('.')[0] : undefined;
}

function describe(name: string | undefined, version: string | undefined): string {
  if (!name) return 'Unknown';
  return version ? `${name} ${version}` : name;
}
