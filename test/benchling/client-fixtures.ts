import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { BenchlingClient, type BenchlingClientOptions } from '../../src/benchling/benchling-client.ts';
import { RateLimiter } from '../../src/benchling/rate-limiter.ts';
import { AppError } from '../../src/errors/app-error.ts';
import type { SandboxTenant } from '../../src/sandbox/index.ts';

/**
 * Time that passes only when the code under test sleeps: every wait is recorded and returns at
 * once, so backoff and polling schedules can be asserted without waiting them out.
 */
export function fakeTime(startMs = 1_750_000_000_000) {
  let nowMs = startMs;
  const waits: number[] = [];
  return {
    waits,
    now: () => nowMs,
    advance: (ms: number) => {
      nowMs += ms;
    },
    sleep: async (ms: number) => {
      waits.push(ms);
      nowMs += ms;
    },
  };
}

/** A limit far above what a test sends, for tests about something else. */
export const roomyLimiter = () => new RateLimiter({ limit: 10_000, windowMs: 1_000 });

export function clientFor(tenant: SandboxTenant, overrides: Partial<BenchlingClientOptions> = {}): BenchlingClient {
  return new BenchlingClient({
    apiBase: tenant.url,
    clientId: tenant.secret.client_id,
    clientSecret: tenant.secret.client_secret,
    rateLimiter: roomyLimiter(),
    retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
    timeouts: { requestMs: 5_000 },
    ...overrides,
  });
}

/** A pino logger whose lines the test can read, to prove nothing secret is logged. */
export function capturedLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

/** For assert.rejects: the AppError code, and optionally a message pattern. */
export function appError(code: string, message?: RegExp) {
  return (error: unknown) => {
    if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
    if (error.code !== code) throw new Error(`expected ${code}, got ${error.code}: ${error.message}`);
    if (message && !message.test(error.message)) throw new Error(`message ${JSON.stringify(error.message)} does not match ${message}`);
    return true;
  };
}
