import type { HttpLimits } from '../config/http-limits.ts';

/**
 * Node checks the header and body deadlines on this interval, so a late client is closed
 * between its deadline and one interval after it (Node's own default is 30 s).
 */
export const DEADLINE_CHECK_INTERVAL_MS = 1_000;

/** The fastify (and node:http) options that enforce the three timeouts. */
export function serverTimeoutOptions(limits: HttpLimits) {
  return {
    requestTimeout: limits.bodyTimeoutMs,
    keepAliveTimeout: limits.idleTimeoutMs,
    // requestTimeout again: node:http checks at construction that the headers are due first.
    http: { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.bodyTimeoutMs, connectionsCheckingInterval: DEADLINE_CHECK_INTERVAL_MS },
  };
}
