import type { FastifyInstance } from 'fastify';

export interface RouteInfo {
  method: string;
  /** The route's path pattern, such as `/api/delegations/:id/refresh`. */
  path: string;
}

/**
 * Lists every route of a Fastify app, read from `printRoutes({ commonPrefix: false })`. That
 * output is a tree: each line is `<indent>── <path segment> (<METHODS>)`, four characters of
 * indent per level, and a child's path continues its parent's. A line in another form fails the
 * test that reads it, so a change of the format cannot hide routes.
 */
export function listRoutes(app: FastifyInstance): RouteInfo[] {
  const routes: RouteInfo[] = [];
  const prefixes: string[] = [];

  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    if (line.trim() === '') continue;
    const match = /^((?:│   |    )*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) throw new Error(`Cannot read this line of printRoutes(): ${JSON.stringify(line)}`);

    const depth = match[1]!.length / 4;
    const path = (prefixes[depth - 1] ?? '') + match[2]!;
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, path });
  }
  return routes;
}

/** Methods that may change state; the tracker must guard every route with one of them against CSRF. */
export const STATE_CHANGING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
