import { UsageError } from '../errors/app-error.ts';
import { SETTINGS, type Settings } from './settings.ts';

/**
 * How long a client may take and how many may be connected: what keeps slow or idle clients
 * from holding the port that Benchling needs (docs/operations.md, "Limits").
 */
export interface HttpLimits {
  /** From a request's first byte until its headers are complete; a new connection that sends nothing is closed after it too. */
  headersTimeoutMs: number;
  /** From a request's first byte until its whole body has arrived. */
  bodyTimeoutMs: number;
  /** A kept-alive connection between two requests. */
  idleTimeoutMs: number;
  maxConnections: number;
}

export type HttpSettingKey = 'httpHeadersTimeout' | 'httpBodyTimeout' | 'httpIdleTimeout' | 'httpMaxConnections';

const defaultOf = <K extends HttpSettingKey>(key: K) => SETTINGS[key].default as number;

/** Unset values take their SETTINGS defaults; a headers timeout longer than the body's is refused. */
export function httpLimitsFrom(values: Partial<Settings<HttpSettingKey>>): HttpLimits {
  const headers = values.httpHeadersTimeout ?? defaultOf('httpHeadersTimeout');
  const body = values.httpBodyTimeout ?? defaultOf('httpBodyTimeout');
  if (headers > body) {
    throw new UsageError(
      'SETTING_INVALID',
      `${SETTINGS.httpHeadersTimeout.env} (${headers}s) is longer than ${SETTINGS.httpBodyTimeout.env} (${body}s): both count from the ` +
        `request's first byte, so the headers must be due no later than the body; raise ${SETTINGS.httpBodyTimeout.env} or lower ${SETTINGS.httpHeadersTimeout.env}`,
    );
  }
  return {
    headersTimeoutMs: Math.round(headers * 1000),
    bodyTimeoutMs: Math.round(body * 1000),
    idleTimeoutMs: Math.round((values.httpIdleTimeout ?? defaultOf('httpIdleTimeout')) * 1000),
    maxConnections: values.httpMaxConnections ?? defaultOf('httpMaxConnections'),
  };
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = httpLimitsFrom({});
