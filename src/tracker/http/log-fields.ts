import { isAppError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';

/** The part of a logger that services use: a request's logger or the app's. */
export type LogSink = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export interface ErrorLogFields {
  type: string;
  /** Not `code`: the logger redacts every field of that name, since OAuth codes use it. */
  errorCode?: string;
  status?: number;
  message: string;
  detail?: string;
  causeType?: string;
  stack?: string;
}

/**
 * Picks the fields of an error that are safe to log. The `cause` itself is left out on purpose:
 * openid-client errors keep the callback parameters and response bodies there, and pino's error
 * serializer would print them, so only the cause's type is kept.
 */
export function errorLogFields(error: unknown, options: { stack?: boolean } = {}): ErrorLogFields {
  if (!(error instanceof Error))
    return { type: typeof error, message: 'A value that is not an Error was thrown.' };

  const fields: ErrorLogFields = { type: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') fields.errorCode = code;
  if (isAppError(error)) {
    fields.status = error.status;
    if (error.detail) fields.detail = error.detail;
  }
  if (error.cause instanceof Error)
    fields.causeType = `${error.cause.name}${causeCode(error.cause)}`;
  if (options.stack && error.stack) fields.stack = error.stack;
  return fields;
}

function causeCode(cause: Error): string {
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' ? ` (${code})` : '';
}
