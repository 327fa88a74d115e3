import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import type { SecretRedactor } from '../secret/redact.ts';
import type { AccessTokens } from './access-token.ts';
import {
  BenchlingError,
  BenchlingErrorCode,
  benchlingMessage,
  describeNetworkError,
  refusal,
  retriesExhausted,
  type LastFailure,
} from './api-errors.ts';
import { isRetryableStatus, retryDelayMs, serverWaitMs, type RetryPolicy } from './backoff.ts';
import type { Now, Sleep } from './clock.ts';
import type { Permits } from './rate-limiter.ts';
import { readTextCapped } from './response-body.ts';

export interface ApiCall {
  method: 'GET' | 'POST' | 'PATCH';
  /** Below `/api/v2`, each id in it already checked to be one (benchling-id.ts): `/entries/etr_1`. */
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  /** `bearer`: the app's access token; `{basic}`: the token call's client credentials. */
  authorization: 'bearer' | { basic: string };
  /**
   * Whether sending it twice is harmless. A call that is not is retried only when Benchling
   * certainly did not act on it: a 429, or a connection that never opened.
   */
  idempotent: boolean;
}

export interface ApiTransportOptions {
  apiBase: string;
  fetch: typeof fetch;
  limiter: Permits;
  tokens: () => AccessTokens;
  now: Now;
  sleep: Sleep;
  retry: RetryPolicy;
  requestTimeoutMs: number;
  redactor: SecretRedactor;
  log?: Logger;
}

/** No documented Benchling answer comes near this; a bigger one is not read into memory. */
const MAX_JSON_BYTES = 32 * 1024 * 1024;

type Outcome =
  | { kind: 'ok'; text: string }
  | { kind: 'status'; status: number; text: string; headers: Headers }
  | { kind: 'timeout' }
  | { kind: 'network'; detail: string; neverSent: boolean };

/**
 * One Benchling API call end to end: a permit from the process's rate limiter per try, the
 * per-try timeout, retries with backoff, one token refresh on a 401, and errors that carry
 * Benchling's message but never a credential.
 */
export class ApiTransport {
  constructor(private readonly options: ApiTransportOptions) {}

  async call<T>(call: ApiCall, schema: ZodType<T>): Promise<T> {
    const what = `${call.method} /api/v2${call.path}`;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      // The token comes before the permit: the token call needs a permit of its own.
      const token = call.authorization === 'bearer' ? await this.options.tokens().get() : undefined;
      const outcome = await this.attempt(call, token);
      if (outcome.kind === 'ok') return this.parse(outcome.text, schema, what);
      if (outcome.kind === 'status' && outcome.status === 401 && token !== undefined && !refreshed) {
        refreshed = true;
        this.options.tokens().invalidate(token);
        attempt--;
        continue;
      }
      await this.handleFailure(call, what, attempt, outcome);
    }
  }

  /** Throws when the failure is final; otherwise waits out the delay before the next try. */
  private async handleFailure(call: ApiCall, what: string, attempt: number, outcome: Exclude<Outcome, { kind: 'ok' }>): Promise<void> {
    const last = this.lastFailure(outcome);
    // A bearer call's 401 gets here only once its one refresh is spent.
    if (outcome.kind === 'status' && !isRetryableStatus(outcome.status)) throw this.refused(outcome, what, call.authorization === 'bearer');
    const serverWait = outcome.kind === 'status' ? serverWaitMs(outcome.status, outcome.headers, this.options.now()) : undefined;
    const delayMs = retryDelayMs(attempt, this.options.retry, serverWait);
    // Everyone in the process holds off as long as this caller will, not just this caller.
    if (outcome.kind === 'status' && outcome.status === 429) this.options.limiter.pauseFor(delayMs);
    if (!mayRepeat(call, outcome) || attempt >= this.options.retry.maxAttempts) throw retriesExhausted(what, attempt, last);
    this.options.log?.warn({ call: what, attempt, delayMs, failure: summary(last) }, 'Benchling call failed; retrying');
    await this.options.sleep(delayMs);
  }

  private async attempt(call: ApiCall, token: string | undefined): Promise<Outcome> {
    const release = await this.options.limiter.acquire();
    const signal = AbortSignal.timeout(this.options.requestTimeoutMs);
    try {
      const response = await this.options.fetch(this.url(call), { ...this.init(call, token), signal, redirect: 'manual' });
      const text = await readTextCapped(response, MAX_JSON_BYTES);
      if (text === undefined) throw new BenchlingError(BenchlingErrorCode.BAD_RESPONSE, `Benchling's answer is larger than ${MAX_JSON_BYTES} bytes`, false);
      if (response.status >= 200 && response.status < 300) return { kind: 'ok', text };
      return { kind: 'status', status: response.status, text, headers: response.headers };
    } catch (error) {
      if (error instanceof BenchlingError) throw error;
      if (signal.aborted) return { kind: 'timeout' };
      return { kind: 'network', detail: this.options.redactor.scrub(describeNetworkError(error, this.options.apiBase)), neverSent: connectionNeverOpened(error) };
    } finally {
      release();
    }
  }

  private url(call: ApiCall): string {
    const query = call.query ? `?${new URLSearchParams(call.query).toString()}` : '';
    return `${this.options.apiBase}/api/v2${call.path}${query}`;
  }

  private init(call: ApiCall, token: string | undefined): RequestInit {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'benchling-webhook' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    else if (call.authorization !== 'bearer') headers.authorization = call.authorization.basic;
    if (call.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      return { method: call.method, headers, body: new URLSearchParams(call.form).toString() };
    }
    if (call.json === undefined) return { method: call.method, headers };
    headers['content-type'] = 'application/json';
    return { method: call.method, headers, body: JSON.stringify(call.json) };
  }

  private lastFailure(outcome: Exclude<Outcome, { kind: 'ok' }>): LastFailure {
    if (outcome.kind === 'timeout') return { kind: 'timeout', ms: this.options.requestTimeoutMs, host: hostOf(this.options.apiBase) };
    if (outcome.kind === 'network') return { kind: 'network', detail: outcome.detail };
    return { kind: 'status', status: outcome.status, message: this.messageOf(outcome.text) };
  }

  private refused(outcome: { status: number; text: string }, what: string, afterRefresh: boolean): BenchlingError {
    if (outcome.status === 401 && afterRefresh) {
      const message = `Benchling refused a freshly issued access token for ${what}: ${this.messageOf(outcome.text) ?? 'HTTP 401'}`;
      return new BenchlingError(BenchlingErrorCode.AUTH_FAILED, message, false, 401);
    }
    return refusal(outcome.status, what, this.messageOf(outcome.text));
  }

  private messageOf(text: string): string | undefined {
    const message = benchlingMessage(text);
    return message === undefined ? undefined : this.options.redactor.scrub(message);
  }

  private parse<T>(text: string, schema: ZodType<T>, what: string): T {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new BenchlingError(BenchlingErrorCode.BAD_RESPONSE, `Benchling's answer to ${what} is not JSON`, false);
    }
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw new BenchlingError(BenchlingErrorCode.BAD_RESPONSE, `Benchling's answer to ${what} is not as documented: ${issues.join('; ')}`, false);
  }
}

function mayRepeat(call: ApiCall, outcome: Exclude<Outcome, { kind: 'ok' }>): boolean {
  if (call.idempotent) return true;
  if (outcome.kind === 'status') return outcome.status === 429;
  return outcome.kind === 'network' && outcome.neverSent;
}

const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function connectionNeverOpened(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === 'string' && CONNECT_FAILURES.has(code);
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

function summary(last: LastFailure): string {
  if (last.kind === 'status') return `HTTP ${last.status}`;
  return last.kind === 'timeout' ? `timeout after ${last.ms} ms` : last.detail;
}
