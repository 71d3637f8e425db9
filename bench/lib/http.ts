import { Agent, request } from 'undici';

/**
 * One keep-alive connection pool for every timed request of the benchmark driver, so that the
 * tracker, the bare SCIM endpoint and the naive client pay the same client-side costs.
 */
const agent = new Agent({ keepAliveTimeout: 60_000, connections: 32 });

export interface BenchResponse {
  status: number;
  text: string;
}

export interface BenchRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
}

/** Sends one request and reads the whole body. */
export async function send(url: string, init: BenchRequest = {}): Promise<BenchResponse> {
  const response = await request(url, {
    dispatcher: agent,
    method: init.method ?? 'GET',
    headers: init.headers ?? {},
    body: init.body ?? null,
  });
  return { status: response.statusCode, text: await response.body.text() };
}

/** Sends one request and returns its JSON body, failing on any status but `expected`. */
export async function sendForJson<T>(
  url: string,
  init: BenchRequest = {},
  expected = 200,
): Promise<T> {
  const response = await send(url, init);
  if (response.status !== expected) {
    throw new Error(
      `${init.method ?? 'GET'} ${new URL(url).pathname} returned ${response.status}, expected ${expected}: ${response.text.slice(0, 300)}`,
    );
  }
  return JSON.parse(response.text) as T;
}

export async function closeHttp(): Promise<void> {
  await agent.close();
}
