/**
 * The one place that calls fetch. Every failure becomes an ApiError whose message can be shown to
 * the user as it is: the tracker's own `{ error: { code, message } }`, or a sentence of ours when
 * the tracker cannot be reached or sends something that is not JSON.
 */

/** Codes of failures that happen before the tracker's response could be read. */
export const NETWORK_ERROR = 'network_error';
export const INVALID_RESPONSE = 'invalid_response';

export class ApiError extends Error {
  readonly code: string;
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;

  constructor(code: string, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message !== '') return error.message;
  return 'Something went wrong. Reload the page and try again.';
}

// The tracker accepts `pre-session` only on POST /api/login; every other state-changing request
// carries the token of the signed-in session.
let csrfToken = 'pre-session';

export function setCsrfToken(token: string | null): void {
  csrfToken = token ?? 'pre-session';
}

const unauthorizedListeners = new Set<() => void>();

/** Calls `listener` whenever the tracker responds with 401, so the app can show the sign-in page. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export type Query = Record<string, string | number | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  accept?: string;
}

/** Sends a request and returns the response once its status is a success. */
export async function send(path: string, options: RequestOptions = {}): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
  // docs/api.md: every state-changing request carries both headers, with or without a body.
  if (method !== 'GET') {
    headers['X-CSRF-Token'] = csrfToken;
    headers['Content-Type'] = 'application/json';
  }

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError(
      NETWORK_ERROR,
      0,
      'The tracker did not answer. Check your connection and that the tracker is running, then try again.',
      { cause: error },
    );
  }

  if (!response.ok) throw await readError(response);
  return response;
}

/** Sends a request and returns its JSON body. */
export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  return (await readJson(response)) as T;
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

async function readJson(response: Response): Promise<unknown> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) throw unexpectedAnswer(response);
  try {
    return await response.json();
  } catch (error) {
    if (isAbort(error)) throw error;
    throw unexpectedAnswer(response, error);
  }
}

async function readError(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await readJson(response);
  } catch (error) {
    if (isAbort(error)) throw error;
    return notifyIfUnauthorized(unexpectedAnswer(response, error));
  }

  const detail = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (typeof detail?.code !== 'string' || typeof detail.message !== 'string') {
    return notifyIfUnauthorized(unexpectedAnswer(response));
  }
  return notifyIfUnauthorized(new ApiError(detail.code, response.status, detail.message));
}

function notifyIfUnauthorized(error: ApiError): ApiError {
  if (error.status === 401) {
    for (const listener of unauthorizedListeners) listener();
  }
  return error;
}

function unexpectedAnswer(response: Response, cause?: unknown): ApiError {
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  return new ApiError(
    INVALID_RESPONSE,
    response.status,
    `The tracker did not answer as expected (${status}). Try again in a moment.`,
    { cause },
  );
}
