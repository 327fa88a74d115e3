/**
 * A request that never got an answer (the name did not resolve, the connection was refused,
 * cut or timed out) is a network problem, never a sign of bad credentials: messages built
 * from this say so and name the host, so a user checks the address, not the secret.
 */
export type NetworkFailureKind = 'dns' | 'refused' | 'timeout' | 'reset' | 'unreachable';

export interface NetworkFailure {
  kind: NetworkFailureKind;
  /** host or host:port, when the error or the caller knows it. */
  host: string | undefined;
  /** The system's or the HTTP client's code (ENOTFOUND, ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT, TimeoutError). */
  code: string;
}

const KINDS: Record<string, NetworkFailureKind> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_NONAME: 'dns',
  ECONNREFUSED: 'refused',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  TimeoutError: 'timeout',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
};

interface ErrorFields {
  code?: unknown;
  name?: unknown;
  hostname?: unknown;
  host?: unknown;
  address?: unknown;
  port?: unknown;
  cause?: unknown;
}

function hostOf(fields: ErrorFields): string | undefined {
  const name = [fields.hostname, fields.host, fields.address].find((v): v is string => typeof v === 'string' && v !== '');
  if (name === undefined) return undefined;
  return typeof fields.port === 'number' || typeof fields.port === 'string' ? `${name}:${fields.port}` : name;
}

/** The network failure behind `error` (looked for along its `cause` chain, where fetch keeps it), or undefined. */
export function networkFailure(error: unknown, url?: string): NetworkFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const fields = current as ErrorFields;
    const code = typeof fields.code === 'string' && fields.code in KINDS ? fields.code : fields.name === 'TimeoutError' ? 'TimeoutError' : undefined;
    if (code !== undefined) return { kind: KINDS[code]!, host: hostOf(fields) ?? hostOfUrl(url), code };
    current = fields.cause;
  }
  return undefined;
}

function hostOfUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** One clause: what happened, to which host. */
export function describeNetworkFailure(failure: NetworkFailure): string {
  const host = failure.host ?? 'the server';
  switch (failure.kind) {
    case 'dns':
      return `cannot resolve ${host} (DNS lookup failed: ${failure.code})`;
    case 'refused':
      return `${host} refused the connection (${failure.code})`;
    case 'timeout':
      return `${host} did not answer in time (${failure.code})`;
    case 'reset':
      return `the connection to ${host} was cut (${failure.code})`;
    case 'unreachable':
      return `${host} is unreachable from here (${failure.code})`;
  }
}
