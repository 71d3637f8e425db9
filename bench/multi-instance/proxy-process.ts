import { parseArgs } from 'node:util';
import { startRoundRobinProxy } from '../../test/multi-instance/helpers/round-robin-proxy.ts';

/**
 * Runs the round-robin proxy of the tests in a process of its own, so that it does not share an
 * event loop with the load generator. Arguments: `--port P --backend URL [--backend URL …]`.
 * Stops on SIGTERM.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    backend: { type: 'string', multiple: true },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  throw new Error(
    `Invalid --port ${String(values.port)}: give the TCP port to listen on, 1 to 65535.`,
  );
}
const backends = values.backend ?? [];
if (backends.length === 0)
  throw new Error('Missing --backend: name at least one tracker URL to forward to.');

const proxy = await startRoundRobinProxy({ port, backends });
console.log(`Proxy on ${proxy.url} forwards to ${backends.join(', ')}`);

process.once('SIGTERM', () => {
  proxy.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
