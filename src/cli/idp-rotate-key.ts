import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.ts';
import { openDatabase } from '../idp/store/database.ts';
import { rotateSigningKey } from '../idp/store/secrets.ts';

export const ROTATE_KEY_HELP = `Usage: session-tracker idp rotate-key [--keep-retired N]

Replaces the embedded server's signing key in idp.dataDir. The new key signs ID tokens and
phantom-token JWTs from the server's next start on. The replaced key stays in the JWKS, with the
newest N retired keys (default 2), so tokens it signed still verify. Stop the server first: a
running server keeps the keys it read at start.`;

/** Rotates the signing key of the embedded server's store and prints the new key id. */
export async function rotateKeyCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      help: { type: 'boolean', short: 'h' },
      'keep-retired': { type: 'string' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(ROTATE_KEY_HELP);
    return 0;
  }

  const keepRetired = parseKeepRetired(values['keep-retired']);
  const config = loadConfig();
  const db = openDatabase(config.idp.dataDir);
  try {
    const { kid } = rotateSigningKey(db, keepRetired === undefined ? {} : { keepRetired });
    console.log(
      `New signing key ${kid} in ${config.idp.dataDir}. It takes effect when the embedded server next starts.`,
    );
  } finally {
    db.close();
  }
  return 0;
}

/** Parses --keep-retired. A bad value raises a RangeError, which the idp command reports as a usage error. */
function parseKeepRetired(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const count = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(count)) {
    throw new RangeError(`--keep-retired must be a whole number of 0 or more, got "${value}".`);
  }
  return count;
}
