import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../shared/errors.ts';
import { TrackerErrors } from '../errors.ts';
import { errorLogFields } from './log-fields.ts';

interface ValidationIssue {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Fastify's own client errors, mapped to stable codes with messages written here. */
const FRAMEWORK_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: 'Send the request body as JSON with Content-Type: application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'invalid_request',
    message: 'The Content-Length header does not match the body.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'payload_too_large',
    message: 'The request body is too large.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'invalid_request',
    message: 'The request body is not valid JSON.',
  },
};

/**
 * Replaces Fastify's default error handler, which would send `err.message` of any error. Known
 * errors keep their status and public message; anything else becomes a generic 500.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);

    if (appError.status >= 500) {
      request.log.error(
        { error: errorLogFields(error, { stack: !isAppError(error) }) },
        'request failed',
      );
    } else {
      request.log.info({ error: errorLogFields(appError) }, 'request rejected');
    }
    return sendError(reply, appError);
  });
}

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send({
      error: { code: error.code, message: error.message },
    });
}

function toAppError(error: FastifyError): AppError {
  if (isAppError(error)) return error;
  if (error.validation) {
    return TrackerErrors.invalidRequest(
      describeValidation(error.validation as ValidationIssue[], error.validationContext),
    );
  }

  const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
  if (known) return new AppError(known.code, known.status, known.message);
  if (isParseError(error))
    return new AppError('invalid_request', 400, 'The request body is not valid JSON.');

  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new AppError('invalid_request', status, 'The request was rejected as invalid.');
  }
  return new AppError(
    'internal_error',
    500,
    'Something went wrong on our side. Try again; if it keeps failing, tell the administrator.',
  );
}

function isParseError(error: FastifyError): boolean {
  return error instanceof SyntaxError && error.statusCode === 400;
}

/** Builds a message naming the field, from the first Ajv issue. */
export function describeValidation(
  issues: ValidationIssue[],
  location: string | undefined,
): string {
  const where = location === 'querystring' ? 'query parameter' : `${location ?? 'request'} field`;
  const issue = issues[0];
  if (!issue) return 'The request is invalid.';

  const missing = issue.params?.missingProperty;
  if (typeof missing === 'string') return `Missing ${where} "${missing}".`;
  const extra = issue.params?.additionalProperty;
  if (typeof extra === 'string') return `Unknown ${where} "${extra}". Remove it.`;

  const field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || location || 'request';
  const allowed = issue.params?.allowedValues;
  const suffix = Array.isArray(allowed) ? ` (allowed: ${allowed.join(', ')})` : '';
  return `Invalid ${where} "${field}": ${issue.message ?? 'invalid value'}${suffix}.`;
}

export function isApiPath(request: FastifyRequest): boolean {
  return (
    request.url === '/api' || request.url.startsWith('/api/') || request.url.startsWith('/api?')
  );
}
