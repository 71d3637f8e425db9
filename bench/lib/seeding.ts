import type { Config } from '../../src/config/load.ts';
import { seedDelegations } from '../../src/idp/seed.ts';
import type { BareScim } from './scim.ts';

/** More rounds than this means the seeder no longer issues what it is asked to. */
const MAX_TOP_UP_ROUNDS = 30;

/**
 * Seeds delegations for `owner` until exactly `target` of them are issued. The seeder marks about
 * one in ten new rows revoked, so it runs in rounds, each asking for the remaining number, and
 * the owner also keeps some revoked rows, as real users do.
 */
export async function topUpIssued(
  config: Config,
  scim: BareScim,
  owner: string,
  target: number,
): Promise<void> {
  for (let round = 0; round < MAX_TOP_UP_ROUNDS; round += 1) {
    const issued = await scim.countIssued(owner);
    if (issued === target) return;
    if (issued > target)
      throw new Error(
        `${owner} already has ${issued} issued delegations, more than the ${target} the case needs.`,
      );
    await seedDelegations(config.idp, {
      users: 0,
      delegations: 0,
      owner: { username: owner, count: target - issued },
    });
  }
  throw new Error(
    `Seeding did not give ${owner} ${target} issued delegations within ${MAX_TOP_UP_ROUNDS} rounds.`,
  );
}
