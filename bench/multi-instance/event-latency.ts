import { PinnedBrowser } from '../../test/multi-instance/helpers/cluster.ts';
import { EventStream } from '../../test/multi-instance/helpers/event-stream.ts';
import { reachCallback, startLogin } from '../../test/helpers/stack.ts';

/** Owner of the delegations this measurement revokes, seeded for it alone. */
export const EVENT_SAMPLE_OWNER = 'event-sample-user';

export interface EventLatency {
  samples: number;
  /** From sending DELETE through instance A until its response, in milliseconds. */
  responseMs: number[];
  /** From sending DELETE through instance A until the change event arrives from instance B. */
  eventMs: number[];
}

/**
 * Signs the administrator in, opens its event stream on instance `listenOn`, and revokes each of
 * EVENT_SAMPLE_OWNER's delegations one at a time through instance `revokeThrough`, timing the
 * response and the arrival of the matching `delegation-revoked` event.
 */
export async function measureEventLatency(
  publicUrl: string,
  revokeThrough: number,
  listenOn: number,
): Promise<EventLatency> {
  const admin = new PinnedBrowser(publicUrl, revokeThrough);
  const { authorizationUrl } = await startLogin(admin, 'www');
  await reachCallback(admin, new URL(authorizationUrl), {
    username: 'admin',
    password: 'admin-demo-pass',
  });
  await admin.loadSession();

  const listed = await admin.getJson<{ items: Array<{ id: string }> }>(
    `/api/admin/delegations?user=${EVENT_SAMPLE_OWNER}&status=issued&count=500`,
  );
  const stream = await EventStream.open(
    new PinnedBrowser(publicUrl, listenOn).withSessionOf(admin),
  );
  if (stream.servedBy !== listenOn)
    throw new Error(`The event stream went to instance ${stream.servedBy}, not ${listenOn}.`);

  const latency: EventLatency = { samples: listed.items.length, responseMs: [], eventMs: [] };
  try {
    for (const { id } of listed.items) {
      const started = performance.now();
      const arrived = stream
        .next((event) => event.type === 'delegation-revoked' && event.scimId === id)
        .then(() => performance.now());
      const response = await admin.api(
        'DELETE',
        `/api/admin/delegations/${encodeURIComponent(id)}`,
      );
      const body = await response.text();
      if (response.status !== 200 || JSON.parse(body).result !== 'revoked') {
        throw new Error(
          `DELETE of delegation ${id} returned ${response.status} ${body}, expected 200 with result "revoked".`,
        );
      }
      latency.responseMs.push(performance.now() - started);
      latency.eventMs.push((await arrived) - started);
    }
  } finally {
    await stream.close();
  }
  return latency;
}
