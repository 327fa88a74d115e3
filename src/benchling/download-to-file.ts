import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.ts';
import { BenchlingError, BenchlingErrorCode, describeNetworkError } from './api-errors.ts';
import { isRetryableStatus, retryDelayMs, serverWaitMs, type RetryPolicy } from './backoff.ts';
import type { Now, Sleep } from './clock.ts';
import { downloadTooLarge } from './export-refusals.ts';

export interface DownloadOptions {
  /**
   * Refuse (export_too_large) a body longer than this, announced or not: an announced length
   * is refused before the first byte, an unannounced one as soon as it passes the limit.
   */
  maxBytes?: number;
}

export interface DownloadDeps {
  fetch: typeof fetch;
  now: Now;
  sleep: Sleep;
  retry: RetryPolicy;
  /** The download fails (and is retried) when no byte arrives for this long. */
  idleTimeoutMs: number;
  log?: Logger;
}

export interface DownloadResult {
  path: string;
  bytes: number;
}

type Outcome =
  | { kind: 'done'; bytes: number }
  | { kind: 'status'; status: number; headers: Headers }
  | { kind: 'timeout' }
  | { kind: 'network'; detail: string }
  | { kind: 'short'; bytes: number; declared: number };

/**
 * Fetches a presigned URL into `path`: no Bearer header and no rate-limit permit (it is S3, not
 * the API), streamed chunk by chunk into a temp file beside `path` and renamed into place only
 * when complete, so `path` never holds half a file and memory never holds the whole one.
 */
export async function downloadToFile(url: string, path: string, deps: DownloadDeps, options: DownloadOptions = {}): Promise<DownloadResult> {
  const target = parseDownloadUrl(url);
  const shown = `${target.origin}${target.pathname}`;
  for (let attempt = 1; ; attempt++) {
    const outcome = await downloadOnce(target, path, deps, options.maxBytes);
    if (outcome.kind === 'done') return { path, bytes: outcome.bytes };
    const retryable = outcome.kind !== 'status' || isRetryableStatus(outcome.status);
    if (!retryable || attempt >= deps.retry.maxAttempts) throw downloadFailed(shown, attempt, outcome);
    const serverWait = outcome.kind === 'status' ? serverWaitMs(outcome.status, outcome.headers, deps.now()) : undefined;
    const delayMs = retryDelayMs(attempt, deps.retry, serverWait);
    deps.log?.warn({ download: shown, attempt, delayMs, failure: describe(outcome) }, 'export download failed; retrying');
    await deps.sleep(delayMs);
  }
}

/** The URL comes from a Benchling answer, so only a plain http(s) URL is fetched. */
function parseDownloadUrl(url: string): URL {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.username !== '' || parsed.password !== '') {
    throw new BenchlingError(BenchlingErrorCode.DOWNLOAD_FAILED, 'The export download URL is not a plain http(s) URL', false);
  }
  return parsed;
}

async function downloadOnce(url: URL, path: string, deps: DownloadDeps, maxBytes: number | undefined): Promise<Outcome> {
  const idle = idleTimer(deps.idleTimeoutMs);
  const partial = `${path}.${randomBytes(6).toString('hex')}.part`;
  try {
    const response = await deps.fetch(url, { signal: idle.signal, redirect: 'follow' });
    if (response.status !== 200 || response.body === null) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: 'status', status: response.status, headers: response.headers };
    }
    const declared = declaredLength(response.headers);
    if (maxBytes !== undefined && declared !== undefined && declared > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw downloadTooLarge(maxBytes, `Content-Length is ${declared}`);
    }
    const bytes = await streamToFile(response.body, partial, maxBytes, idle.touch);
    if (declared !== undefined && bytes !== declared) return { kind: 'short', bytes, declared };
    await rename(partial, path);
    return { kind: 'done', bytes };
  } catch (error) {
    // Ours (a refusal, a bad URL) as they are; anything else is the network's or the disk's.
    if (error instanceof AppError) throw error;
    if (isFileSystemError(error)) throw new BenchlingError(BenchlingErrorCode.DOWNLOAD_FAILED, `Cannot write the export to disk: ${error.message}`, false);
    if (idle.fired()) return { kind: 'timeout' };
    return { kind: 'network', detail: describeNetworkError(error) };
  } finally {
    idle.stop();
    await rm(partial, { force: true });
  }
}

/** Chunks go to the file as they arrive; `pipeline` holds back reading while the disk is behind. */
async function streamToFile(body: ReadableStream<Uint8Array>, file: string, maxBytes: number | undefined, onChunk: () => void): Promise<number> {
  let bytes = 0;
  await pipeline(
    Readable.fromWeb(body as WebReadableStream<Uint8Array>),
    async function* meter(chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        bytes += chunk.length;
        if (maxBytes !== undefined && bytes > maxBytes) throw downloadTooLarge(maxBytes, `more than ${maxBytes} bytes arrived`);
        onChunk();
        yield chunk;
      }
    },
    createWriteStream(file, { flags: 'wx' }),
  );
  return bytes;
}

/** An overall timeout would cut off a large file on a slow link; silence is what signals trouble. */
function idleTimer(ms: number) {
  const controller = new AbortController();
  let fired = false;
  const fire = () => {
    fired = true;
    controller.abort(new Error(`no data for ${ms} ms`));
  };
  let timer = setTimeout(fire, ms);
  return {
    signal: controller.signal,
    fired: () => fired,
    touch: () => {
      clearTimeout(timer);
      timer = setTimeout(fire, ms);
    },
    stop: () => clearTimeout(timer),
  };
}

function declaredLength(headers: Headers): number | undefined {
  const value = headers.get('content-length');
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value);
}

function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'syscall' in error && 'path' in error;
}

function describe(outcome: Exclude<Outcome, { kind: 'done' }>): string {
  if (outcome.kind === 'status') return `HTTP ${outcome.status}`;
  if (outcome.kind === 'timeout') return 'no data within the idle timeout';
  if (outcome.kind === 'short') return `body ended after ${outcome.bytes} of ${outcome.declared} bytes`;
  return outcome.detail;
}

function downloadFailed(shown: string, attempts: number, outcome: Exclude<Outcome, { kind: 'done' }>): BenchlingError {
  const message = `Downloading the export from ${shown} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${describe(outcome)}`;
  // A new export brings a new URL, so a later try of the whole job may well succeed.
  return new BenchlingError(BenchlingErrorCode.DOWNLOAD_FAILED, message, true, outcome.kind === 'status' ? outcome.status : undefined);
}
