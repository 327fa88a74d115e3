import type { Socket } from 'node:net';
import type { HttpLimits } from '../config/http-limits.ts';

/**
 * Answers written straight to a socket, outside fastify: to a request node:http could not
 * read in full, and to a connection refused at the connection cap.
 */

type ClientError = Error & { code?: string };

function rawResponse(status: string, body: string): string {
  return `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Node's answers to a request it could not read in full, in this service's JSON error shape. */
export function clientErrorAnswer(error: ClientError, limits: HttpLimits): string {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    const message = `the headers must arrive within ${limits.headersTimeoutMs / 1000} s and the whole request within ${limits.bodyTimeoutMs / 1000} s`;
    return rawResponse('408 Request Timeout', JSON.stringify({ error: 'request_timeout', message }));
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') return rawResponse('431 Request Header Fields Too Large', '{"error":"headers_too_large"}');
  return rawResponse('400 Bad Request', '{"error":"bad_request","message":"unreadable request"}');
}

/**
 * node:http's `clientError`: a request whose headers or body came too late, or that does not
 * parse. `onTimeout` counts the late ones for the shed log.
 */
export function clientErrorHandler(limits: HttpLimits, onTimeout: () => void) {
  return (error: ClientError, socket: Socket): void => {
    // A reset connection has nobody left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') onTimeout();
    if (socket.writable) socket.write(clientErrorAnswer(error, limits));
    socket.destroy(error);
  };
}

/** Said to a connection refused at the connection cap, so a client sees why and retries (Benchling does). */
export const CONNECTION_LIMIT_ANSWER = rawResponse('503 Service Unavailable', '{"error":"unavailable","reason":"connection_limit"}');
