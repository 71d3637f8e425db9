/**
 * The one error type that crosses module boundaries. `code` is stable and documented in
 * docs/errors.md, `message` is safe to show to a user, and `detail` goes to logs only.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly detail: string | undefined;

  constructor(
    code: string,
    status: number,
    message: string,
    options: { detail?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.detail = options.detail;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
