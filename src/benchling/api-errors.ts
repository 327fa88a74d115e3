import { AppError } from '../errors/app-error.ts';
import { describeNetworkFailure, networkFailure } from '../errors/network-failure.ts';

/** Stable codes of everything the Benchling client can fail with. */
export const BenchlingErrorCode = {
  /** The token endpoint refused client_id/client_secret, or the API refused a fresh token. */
  AUTH_FAILED: 'BENCHLING_AUTH_FAILED',
  /** 403: usually the app is not a collaborator on the project or registry. */
  FORBIDDEN: 'BENCHLING_FORBIDDEN',
  NOT_FOUND: 'BENCHLING_NOT_FOUND',
  /** Any other 4xx: the request itself is wrong; retrying will not help. */
  REJECTED: 'BENCHLING_REQUEST_REJECTED',
  /** Still 429 after every retry. */
  RATE_LIMITED: 'BENCHLING_RATE_LIMITED',
  /** Still 5xx after every retry. */
  UNAVAILABLE: 'BENCHLING_UNAVAILABLE',
  /** Network errors (refused, reset, DNS) on every try. */
  UNREACHABLE: 'BENCHLING_UNREACHABLE',
  /** No answer within the per-request timeout on every try. */
  TIMEOUT: 'BENCHLING_TIMEOUT',
  /** A 2xx whose body is not what the API documents, or lacks what the app cannot do without. */
  BAD_RESPONSE: 'BENCHLING_BAD_RESPONSE',
  /** 400 to a canvas create or update: the blocks or fields the app sent are not what Benchling accepts. */
  CANVAS_REJECTED: 'BENCHLING_CANVAS_REJECTED',
  EXPORT_FAILED: 'BENCHLING_EXPORT_FAILED',
  EXPORT_TIMEOUT: 'BENCHLING_EXPORT_TIMEOUT',
  DOWNLOAD_FAILED: 'EXPORT_DOWNLOAD_FAILED',
  ZIP_CORRUPT: 'EXPORT_ZIP_CORRUPT',
  ZIP_UNSAFE_PATH: 'EXPORT_ZIP_UNSAFE_PATH',
  /** Two files of the ZIP would have the same logical key in the package. */
  ZIP_DUPLICATE_NAME: 'EXPORT_ZIP_DUPLICATE_NAME',
  CONFIG: 'BENCHLING_CLIENT_CONFIG',
  /** An id that is not Benchling's id shape: refused before any call is made with it. */
  INVALID_ID: 'BENCHLING_INVALID_ID',
} as const;

export type BenchlingErrorCode = (typeof BenchlingErrorCode)[keyof typeof BenchlingErrorCode];

/**
 * An AppError that also says whether trying the same job later may succeed, so the worker
 * can tell "Benchling is down" (hand the job back) from "the entry is gone" (give up).
 */
export class BenchlingError extends AppError {
  constructor(
    code: BenchlingErrorCode,
    message: string,
    readonly transient: boolean,
    readonly status?: number,
  ) {
    super(code, message);
    this.name = 'BenchlingError';
  }
}

/** `error.message` of Benchling's error body, when the body is one. */
export function benchlingMessage(bodyText: string): string | undefined {
  try {
    const body = JSON.parse(bodyText) as unknown;
    if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
    const error = (body as { error: unknown }).error;
    const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

/** The refusal of a request that retrying cannot fix. */
export function refusal(status: number, what: string, message: string | undefined): BenchlingError {
  const detail = `Benchling answered HTTP ${status} to ${what}${message ? `: ${message}` : ''}`;
  if (status === 404) return new BenchlingError(BenchlingErrorCode.NOT_FOUND, detail, false, status);
  if (status === 403) {
    const hint = '. The app acts as its own user: share the project, folder or registry with the app.';
    return new BenchlingError(BenchlingErrorCode.FORBIDDEN, detail + hint, false, status);
  }
  return new BenchlingError(BenchlingErrorCode.REJECTED, detail, false, status);
}

/** What kept failing, for the error raised once retries run out. */
export type LastFailure = { kind: 'status'; status: number; message: string | undefined } | { kind: 'timeout'; ms: number; host?: string } | { kind: 'network'; detail: string };

export function retriesExhausted(what: string, attempts: number, last: LastFailure): BenchlingError {
  const prefix = `${what} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
  if (last.kind === 'timeout') {
    const from = last.host === undefined ? '' : ` from ${last.host}`;
    return new BenchlingError(BenchlingErrorCode.TIMEOUT, `${prefix}: no answer within ${last.ms} ms${from}: a network problem, not a credentials one`, true);
  }
  if (last.kind === 'network') return new BenchlingError(BenchlingErrorCode.UNREACHABLE, `${prefix}: ${last.detail}`, true);
  const detail = `${prefix}: HTTP ${last.status}${last.message ? ` ${last.message}` : ''}`;
  const code = last.status === 429 ? BenchlingErrorCode.RATE_LIMITED : BenchlingErrorCode.UNAVAILABLE;
  return new BenchlingError(code, detail, true, last.status);
}

/** undici puts the useful part (ECONNREFUSED, ...) in `cause`; a known network failure is named with its host. */
export function describeNetworkError(error: unknown, url?: string): string {
  const failure = networkFailure(error, url);
  if (failure) return `${describeNetworkFailure(failure)}: a network problem, not a credentials one`;
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause === undefined ? error.message : `${error.message} (${cause})`;
}
