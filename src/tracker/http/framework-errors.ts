import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.ts';
import { sendError } from './error-handler.ts';
import { setSecurityHeaders } from './security-headers.ts';

/**
 * Longest path parameter accepted, in characters. Fastify's default of 100 is shorter than the
 * 512 characters the delegation routes accept for a SCIM id.
 */
export const MAX_PARAM_LENGTH = 512;

/**
 * Builds the handler of the errors Fastify raises before routing (a malformed percent-encoding, a
 * too long path parameter). It sends the tracker's error shape with the security headers, because
 * Fastify's own response has another shape and repeats the request path.
 */
export function frameworkErrorHandler(
  publicUrl: string,
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, request, reply) => {
    const appError = errorBeforeRouting(error);
    request.log.info(
      { errorCode: error.code, status: appError.status },
      'request rejected before routing',
    );
    setSecurityHeaders(reply, request.url, publicUrl);
    void sendError(reply, appError);
  };
}

function errorBeforeRouting(error: FastifyError): AppError {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return new AppError(
      'uri_too_long',
      414,
      `A path segment is longer than ${MAX_PARAM_LENGTH} characters. Use the id exactly as the list returned it.`,
    );
  }
  return new AppError(
    'invalid_request',
    400,
    'The request path is not a valid URL: it contains a malformed percent-encoding. Write a literal % as %25.',
  );
}

/** Responses of `clientErrorHandler` by Node's error code, for requests that are not valid HTTP. */
const CLIENT_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'headers_too_large',
    message:
      'The request headers are too large. Delete the cookies of this site and reload the page.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'request_timeout',
    message: 'The request was not received in time. Try again.',
  },
};

const INVALID_HTTP = {
  status: 400,
  code: 'invalid_request',
  message: 'The request is not valid HTTP.',
};

/**
 * Builds Node's `clientError` handler, which sends the tracker's error shape for a request that
 * Node could not parse. It logs the error code only, because the error Node passes holds the raw
 * request bytes (`rawPacket`), with its cookies and query string.
 */
export function clientErrorHandler(
  logger: FastifyBaseLogger,
): (error: NodeJS.ErrnoException, socket: Socket) => void {
  return (error, socket) => {
    // A reset connection cannot take a response (Node's documented `clientError` behaviour).
    if (error.code === 'ECONNRESET' || socket.destroyed) return;

    const answer = (error.code && CLIENT_ERRORS[error.code]) || INVALID_HTTP;
    logger.info(
      { errorCode: error.code, status: answer.status },
      'request rejected: not valid HTTP',
    );
    if (socket.writable) {
      const body = JSON.stringify({ error: { code: answer.code, message: answer.message } });
      socket.write(
        `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\n` +
          'Content-Type: application/json; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          'Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\n' +
          'Connection: close\r\n\r\n' +
          body,
      );
    }
    socket.destroy();
  };
}
