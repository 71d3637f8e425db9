import { loadConfig } from '../../src/config/load.ts';
import { startEmbeddedServer } from '../../src/idp/server.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { readChildInput, serveParent } from './ipc.ts';

/** The embedded authorization server in a process of its own; logs go to stdout (the child's log file). */
await serveParent(async () => {
  const { overrides } = readChildInput<{ overrides: unknown }>();
  const config = loadConfig({ env: {}, overrides });
  const server = await startEmbeddedServer(config.idp, {
    logger: createLogger().child({ component: 'idp' }),
  });
  return { ready: { url: server.url }, handlers: {}, close: () => server.close() };
});
