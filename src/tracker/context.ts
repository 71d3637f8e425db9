import type { Config } from '../config/load.ts';
import type { DelegationDirectory, RelyingParty } from '../auth-server/types.ts';
import type { Logger } from '../shared/logger.ts';
import type { Session, TrackerStore } from '../store/types.ts';

/** Everything a route needs, built once at start and passed to each route plugin. */
export interface TrackerContext {
  config: Config;
  store: TrackerStore;
  directory: DelegationDirectory;
  relyingParty: RelyingParty;
  logger: Logger;
  /** Folder of the built UI; defaults to dist/web of the project. */
  webRoot?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session, or null; set by the session hook before every route. */
    session: Session | null;
  }
}
