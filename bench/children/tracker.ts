import { loadConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { startTracker } from '../../src/tracker/server.ts';
import { readChildInput, serveParent } from './ipc.ts';

/**
 * The tracker in a process of its own, so that its memory is its own. `memory` returns
 * process.memoryUsage(); the parent reads RSS from /proc/<pid>/status itself.
 */
await serveParent(async () => {
  const { overrides } = readChildInput<{ overrides: unknown }>();
  const config = loadConfig({ env: {}, overrides });
  const tracker = await startTracker(config, {
    logger: createLogger().child({ component: 'tracker' }),
  });
  return {
    ready: { url: tracker.url },
    handlers: { memory: async () => process.memoryUsage() },
    close: () => tracker.close(),
  };
});
