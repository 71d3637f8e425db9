/**
 * Runs the embedded authorization server in its own process with its clock moved by
 * CLOCK_OFFSET_MS milliseconds, for tests of clock skew between it and the tracker. The
 * configuration overrides come as JSON in IDP_OVERRIDES. Prints `ready` once it listens and
 * stops on SIGTERM.
 */
const RealDate = Date;
const offsetMs = Number(process.env.CLOCK_OFFSET_MS ?? '0');

/** Date with the moved clock: `new Date()` and `Date.now()` read the real time plus the offset. */
class SkewedDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...(args as [number]));
  }

  static override now(): number {
    return RealDate.now() + offsetMs;
  }
}
globalThis.Date = SkewedDate as DateConstructor;

// Imported after the clock is moved, so that every module reads the moved clock.
const { loadConfig } = await import('../../../src/config/load.ts');
const { createRunLogger } = await import('../../helpers/run-log.ts');
const { startEmbeddedServer } = await import('../../../src/idp/server.ts');

const config = loadConfig({ env: {}, overrides: JSON.parse(process.env.IDP_OVERRIDES ?? '{}') });
const server = await startEmbeddedServer(config.idp, {
  logger: createRunLogger('skewed-idp', 'silent'),
});
process.stdout.write('ready\n');

process.once('SIGTERM', () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
