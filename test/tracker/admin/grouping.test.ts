import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AdminDelegationView } from '../../../src/tracker/admin/present.ts';
import { Tally } from '../../../src/tracker/admin/tally.ts';
import {
  groupByDeviceAndClient,
  UNKNOWN_DEVICE_LABEL,
} from '../../../src/tracker/admin/user-routes.ts';

function view(
  id: string,
  clientId: string,
  device: AdminDelegationView['device'],
): AdminDelegationView {
  return {
    id,
    delegationId: `d-${id}`,
    clientId,
    clientLabel: clientId.toUpperCase(),
    owner: 'janedoe',
    status: 'issued',
    scope: ['openid'],
    created: null,
    expires: null,
    device,
    thisBrowser: false,
  };
}

describe('tally report', () => {
  it('sorts by count, then key', () => {
    const tally = new Tally();
    for (const key of ['b', 'a', 'c', 'b', 'a', 'b']) tally.add(key);
    assert.deepEqual(tally.report(), {
      top: [
        { key: 'b', count: 3 },
        { key: 'a', count: 2 },
        { key: 'c', count: 1 },
      ],
      others: { keys: 0, count: 0 },
    });
  });

  it('sums the keys beyond the limit', () => {
    const tally = new Tally();
    for (let index = 0; index < 150; index += 1) {
      for (let repeat = 0; repeat <= index % 3; repeat += 1)
        tally.add(`user-${String(index).padStart(3, '0')}`);
    }
    const report = tally.report(100);

    assert.equal(report.top.length, 100);
    assert.equal(report.top[0]!.count, 3);
    assert.equal(report.others.keys, 50);
    const listed = report.top.reduce((sum, entry) => sum + entry.count, 0);
    assert.equal(listed + report.others.count, 300);
  });
});

describe('user delegation groups', () => {
  const laptop = { publicId: 'p-laptop', browser: 'Firefox 128', os: 'Windows' };
  const phone = { publicId: 'p-phone', browser: 'Chrome 126', os: 'Android' };

  it('groups by device and client', () => {
    const groups = groupByDeviceAndClient([
      view('1', 'www', laptop),
      view('2', 'www2', null),
      view('3', 'www', laptop),
      view('4', 'www2', phone),
      view('5', 'www', null),
      view('6', 'www2', null),
    ]);

    assert.deepEqual(
      groups.map((group) => [
        group.deviceLabel,
        group.clientId,
        group.items.map((item) => item.id),
      ]),
      [
        ['Chrome 126 on Android', 'www2', ['4']],
        ['Firefox 128 on Windows', 'www', ['1', '3']],
        [UNKNOWN_DEVICE_LABEL, 'www', ['5']],
        [UNKNOWN_DEVICE_LABEL, 'www2', ['2', '6']],
      ],
    );
    assert.equal(groups[2]!.device, null);
    assert.deepEqual(groups[0]!.device, phone);
  });

  it('returns no groups for no delegations', () => {
    assert.deepEqual(groupByDeviceAndClient([]), []);
  });
});
