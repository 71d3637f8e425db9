/** How often and how long an idempotent request is tried again after a transient failure. */
export interface RetryPolicy {
  /** Tries in all, the first one included. */
  maxAttempts: number;
  /** Upper bound of the wait before the second try; it doubles for each later try. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Budget for all tries and waits together; no try starts once it is spent. */
  totalTimeMs: number;
}

export function defaultRetryPolicy(requestTimeoutMs: number): RetryPolicy {
  return {
    maxAttempts: 3,
    baseDelayMs: 200,
    maxDelayMs: 2_000,
    totalTimeMs: 2 * requestTimeoutMs,
  };
}

/**
 * Returns the wait in milliseconds before retry number `retryNumber` (1 for the second try):
 * exponential backoff with "equal jitter", so that the wait is at least half the backoff and
 * clients that failed together do not retry together.
 */
export function backoffDelayMs(
  policy: RetryPolicy,
  retryNumber: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Waits `ms` milliseconds; rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
