import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import { SecretRedactor } from '../secret/redact.ts';
import { AccessTokens, type RequestToken } from './access-token.ts';
import { BenchlingError, BenchlingErrorCode } from './api-errors.ts';
import { BENCHLING_ID_RULE, isBenchlingId, quoteRefusedId } from './benchling-id.ts';
import {
  CanvasSchema,
  EntriesPageSchema,
  EntryEnvelopeSchema,
  exportDownloadURL,
  ExportStartedSchema,
  NamedEntrySchema,
  NamedObjectSchema,
  TaskSchema,
  type BenchlingCanvas,
  type BenchlingEntry,
  type BenchlingTask,
} from './api-schemas.ts';
import { ApiTransport, type ApiCall } from './api-transport.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff.ts';
import { realSleep, type Now, type Sleep } from './clock.ts';
import { downloadToFile, type DownloadOptions, type DownloadResult } from './download-to-file.ts';
import type { ExportLimits } from '../config/export-limits.ts';
import { LINKED_OBJECT_COLLECTIONS, type LinkedObjectKind } from './linked-objects.ts';
import type { Permits } from './rate-limiter.ts';
import { pollTask, type WaitForTaskOptions } from './task-polling.ts';
import { tokenRequester } from './token-request.ts';
import { checkZip } from './zip-entries.ts';

export interface BenchlingClientTimeouts {
  /** Per try of an API call, answer body included. Default 30 s. */
  requestMs?: number;
  /** A presigned download fails when no byte arrives for this long. Default 60 s. */
  downloadIdleMs?: number;
}

export interface BenchlingClientOptions {
  /** The tenant base, `https://acme.benchling.com`; calls go to `${apiBase}/api/v2/...`. */
  apiBase: string;
  clientId: string;
  clientSecret: string;
  /** Share one per process (processRateLimiter()), so all clients together stay under the tenant limit. */
  rateLimiter: Permits;
  fetch?: typeof fetch;
  now?: Now;
  sleep?: Sleep;
  log?: Logger;
  timeouts?: BenchlingClientTimeouts;
  retry?: Partial<RetryPolicy>;
  /** How tasks (exports) are polled when a call does not say; DEFAULT_TASK_WAIT otherwise. */
  taskWait?: WaitForTaskOptions | undefined;
  /**
   * The process's redactor, the one its logger scrubs with: the client adds its credentials
   * and every access token it is issued, so an error or log line quoting one is scrubbed
   * wherever it ends up. Default: a redactor of the client's own, for its errors only.
   */
  redactor?: SecretRedactor;
}

export interface ExportEntryOptions {
  wait?: WaitForTaskOptions;
  /** Checked on the download and on the ZIP's directory; none by default. */
  limits?: Partial<ExportLimits>;
}

export interface ExportedZip extends DownloadResult {
  taskId: string;
  /** Files in the ZIP (directories not counted) and their uncompressed total. */
  files: number;
  uncompressedBytes: number;
}

/** What `GET /entries` is asked for (Benchling's own query parameters). */
export interface EntryListQuery {
  /** 1 to 100; Benchling's default is 50. */
  pageSize?: number;
  nextToken?: string | undefined;
  /** Benchling's range syntax: `> 2024-01-01`, `> 2024-01-01 AND < 2024-02-01`. */
  modifiedAt?: string | undefined;
  projectId?: string | undefined;
  schemaId?: string | undefined;
  ids?: readonly string[] | undefined;
  sort?: 'modifiedAt:asc' | 'modifiedAt:desc' | undefined;
}

export interface EntryPage {
  /** The page's entries that carry an id the app can name in a call. */
  entries: BenchlingEntry[];
  /** Entries of the page without such an id: listed, but nothing can be done with them. */
  unusable: number;
  /** Undefined on the last page. */
  nextToken: string | undefined;
}

/** Block shapes belong to the canvas module; here a block only needs its `type`. */
export interface CanvasBlockInput {
  type: string;
}

export interface CanvasCreateBody<B extends CanvasBlockInput = CanvasBlockInput> {
  appId: string;
  featureId: string;
  resourceId: string;
  blocks: readonly B[];
  enabled?: boolean;
  sessionId?: string | null;
  /** Hidden app state: a JSON string under 5 KB. */
  data?: string | null;
}

export type CanvasUpdateBody<B extends CanvasBlockInput = CanvasBlockInput> = Partial<CanvasCreateBody<B>>;

/**
 * The Benchling REST API as the app uses it (reference/benchling-protocol.md §5). Every call
 * goes to the configured tenant only; the one URL taken from an answer is an export's
 * presigned download, fetched without credentials.
 */
export class BenchlingClient {
  readonly apiBase: string;
  private readonly transport: ApiTransport;
  private readonly tokens: AccessTokens;
  private readonly now: Now;
  private readonly sleep: Sleep;
  private readonly fetchImpl: typeof fetch;
  private readonly retry: RetryPolicy;
  private readonly downloadIdleMs: number;
  private readonly taskWait: WaitForTaskOptions;
  private readonly log: Logger | undefined;

  constructor(options: BenchlingClientOptions) {
    this.apiBase = normaliseApiBase(options.apiBase);
    requireCredentials(options);
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.fetchImpl = options.fetch ?? fetch;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.downloadIdleMs = options.timeouts?.downloadIdleMs ?? 60_000;
    this.taskWait = options.taskWait ?? {};
    this.log = options.log?.child({ component: 'benchling-client' });
    const redactor = options.redactor ?? new SecretRedactor();
    redactor.remember({ client_id: options.clientId, client_secret: options.clientSecret });
    this.transport = new ApiTransport({
      apiBase: this.apiBase,
      fetch: this.fetchImpl,
      limiter: options.rateLimiter,
      tokens: () => this.tokens,
      now: this.now,
      sleep: this.sleep,
      retry: this.retry,
      requestTimeoutMs: options.timeouts?.requestMs ?? 30_000,
      redactor,
      log: this.log,
    });
    this.tokens = new AccessTokens(tokensRemembered(tokenRequester(this.transport, options), redactor), this.now);
  }

  /** Fetches (or reuses) the access token: the live credentials check of `validate`. */
  async authenticate(): Promise<void> {
    await this.tokens.get();
  }

  async getEntry(entryId: string): Promise<BenchlingEntry> {
    const path = `/entries/${segment('entry id', entryId)}`;
    return recordOf(entryId, (await this.get(path, EntryEnvelopeSchema)).entry, `GET /api/v2${path}`);
  }

  /** One page of `GET /entries`; ids in the query must have Benchling's id shape. */
  async listEntries(query: EntryListQuery = {}): Promise<EntryPage> {
    const call: ApiCall = { method: 'GET', path: '/entries', query: entryListParams(query), authorization: 'bearer', idempotent: true };
    const page = await this.transport.call(call, EntriesPageSchema);
    const listed = page.entries ?? [];
    const entries = listed.flatMap((entry) => (entry.id !== undefined && isBenchlingId(entry.id) ? [{ ...entry, id: entry.id }] : []));
    return { entries, unusable: listed.length - entries.length, nextToken: page.nextToken || undefined };
  }

  /** `POST /exports` as HTML (a ZIP of the rendered entry and its attachments); the task id. */
  async startExport(entryId: string): Promise<string> {
    requireId('entry id', entryId);
    // Sent again after a lost answer it only starts a second export, which costs nothing lasting.
    const call: ApiCall = { method: 'POST', path: '/exports', json: { id: entryId, format: 'html' }, authorization: 'bearer', idempotent: true };
    return (await this.transport.call(call, ExportStartedSchema)).taskId;
  }

  async waitForTask(taskId: string, options: WaitForTaskOptions = {}): Promise<BenchlingTask> {
    const path = `/tasks/${segment('task id', taskId)}`;
    return pollTask(taskId, { getTask: () => this.get(path, TaskSchema), now: this.now, sleep: this.sleep }, { ...this.taskWait, ...options });
  }

  downloadToFile(url: string, path: string, options: DownloadOptions = {}): Promise<DownloadResult> {
    const deps = { fetch: this.fetchImpl, now: this.now, sleep: this.sleep, retry: this.retry, idleTimeoutMs: this.downloadIdleMs, log: this.log };
    return downloadToFile(url, path, deps, options);
  }

  /**
   * Export, wait, download into `dir/<entryId>.zip`, and check the ZIP's directory is whole
   * and within the limits (a refusal names the limit), before the caller reads any file.
   */
  async exportEntryZip(entryId: string, dir: string, options: ExportEntryOptions = {}): Promise<ExportedZip> {
    const taskId = await this.startExport(entryId);
    const task = await this.waitForTask(taskId, options.wait);
    const downloadURL = exportDownloadURL(taskId, task);
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${entryId.replace(/[^A-Za-z0-9_-]/g, '_')}.zip`);
    const limit = (key: keyof ExportLimits) => options.limits?.[key] ?? Infinity;
    const download = await this.downloadToFile(downloadURL, path, { maxBytes: limit('maxDownloadBytes') });
    try {
      const zipLimits = { maxUncompressedBytes: limit('maxUncompressedBytes'), maxFiles: limit('maxFiles'), maxRatio: limit('maxRatio') };
      const { files, bytes } = await checkZip(path, zipLimits);
      return { ...download, taskId, files, uncompressedBytes: bytes };
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
  }

  /**
   * The name of an object a note links to, or undefined when Benchling says it does not exist,
   * the app may not see it (not shared with the app), or it has no name: none of which may
   * fail a package.
   */
  async getLinkedName(kind: LinkedObjectKind, id: string): Promise<string | undefined> {
    // A link whose id is not an id names nothing we could ask about: it stays unnamed.
    if (!isBenchlingId(id)) return undefined;
    try {
      if (kind === 'entry') return (await this.get(`/entries/${segment('entry id', id)}`, NamedEntrySchema)).entry?.name;
      return (await this.get(`/${LINKED_OBJECT_COLLECTIONS[kind]}/${segment(`${kind} id`, id)}`, NamedObjectSchema)).name;
    } catch (error) {
      const hidden = error instanceof BenchlingError && (error.code === BenchlingErrorCode.NOT_FOUND || error.code === BenchlingErrorCode.FORBIDDEN);
      if (hidden) return undefined;
      throw error;
    }
  }

  async createCanvas<B extends CanvasBlockInput>(body: CanvasCreateBody<B>): Promise<BenchlingCanvas> {
    requireId('app id', body.appId);
    requireId('resource id', body.resourceId);
    // Not repeated after an unclear failure: a second POST would put a second canvas in the entry.
    const call: ApiCall = { method: 'POST', path: '/app-canvases', json: body, authorization: 'bearer', idempotent: false };
    return canvasWritten(this.transport.call(call, CanvasSchema));
  }

  async getCanvas(canvasId: string): Promise<BenchlingCanvas> {
    const path = `/app-canvases/${segment('canvas id', canvasId)}`;
    return recordOf(canvasId, await this.get(path, CanvasSchema), `GET /api/v2${path}`);
  }

  async updateCanvas<B extends CanvasBlockInput>(canvasId: string, body: CanvasUpdateBody<B>): Promise<BenchlingCanvas> {
    const call: ApiCall = { method: 'PATCH', path: `/app-canvases/${segment('canvas id', canvasId)}`, json: body, authorization: 'bearer', idempotent: true };
    return recordOf(canvasId, await canvasWritten(this.transport.call(call, CanvasSchema)), `PATCH /api/v2${call.path}`);
  }

  private get<T>(path: string, schema: ZodType<T>): Promise<T> {
    return this.transport.call({ method: 'GET', path, authorization: 'bearer', idempotent: true }, schema);
  }
}

/**
 * The record read by its id is that id's record. The contract does not promise the answer
 * repeats the id: an answer without one is taken as the record asked for. An answer naming
 * another id is refused, since the app would otherwise package, or draw on, the wrong thing.
 */
function recordOf<R extends { id?: string | undefined }>(id: string, record: R, what: string): R & { id: string } {
  if (record.id === undefined || record.id === id) return { ...record, id };
  throw new BenchlingError(BenchlingErrorCode.BAD_RESPONSE, `Benchling's answer to ${what} describes ${quoteRefusedId(record.id)}, not ${id}`, false);
}

/**
 * Benchling answers 400 to a canvas body its contract does not allow, naming the field: the
 * app drew something it must not, which no retry fixes, so it gets a code of its own.
 */
async function canvasWritten(call: Promise<BenchlingCanvas>): Promise<BenchlingCanvas> {
  try {
    return await call;
  } catch (error) {
    if (!(error instanceof BenchlingError && error.status === 400)) throw error;
    const message = `${error.message}. The canvas the app drew is not one Benchling accepts: report this with the log line`;
    throw new BenchlingError(BenchlingErrorCode.CANVAS_REJECTED, message, false, 400);
  }
}

function entryListParams(query: EntryListQuery): Record<string, string> {
  if (query.pageSize !== undefined && !(Number.isInteger(query.pageSize) && query.pageSize >= 1 && query.pageSize <= 100)) {
    throw new BenchlingError(BenchlingErrorCode.CONFIG, `A page of entries holds 1 to 100 entries, not ${query.pageSize}`, false);
  }
  if (query.projectId !== undefined) requireId('project id', query.projectId);
  if (query.schemaId !== undefined) requireId('schema id', query.schemaId);
  for (const id of query.ids ?? []) requireId('entry id', id);
  const params: Record<string, string | undefined> = {
    pageSize: query.pageSize === undefined ? undefined : String(query.pageSize),
    nextToken: query.nextToken,
    modifiedAt: query.modifiedAt,
    projectId: query.projectId,
    schemaId: query.schemaId,
    ids: query.ids && query.ids.length > 0 ? query.ids.join(',') : undefined,
    sort: query.sort,
  };
  return Object.fromEntries(Object.entries(params).filter((pair): pair is [string, string] => pair[1] !== undefined && pair[1] !== ''));
}

/**
 * An id goes into a path only when it has Benchling's id shape (benchling-id.ts), whoever
 * checked it before: an id that is not one is refused here, before any call is made.
 */
function segment(what: string, id: string): string {
  requireId(what, id);
  return id;
}

function requireId(what: string, id: string): void {
  if (isBenchlingId(id)) return;
  const message = `Refused to call Benchling with ${what} ${quoteRefusedId(id)}: ${BENCHLING_ID_RULE}`;
  throw new BenchlingError(BenchlingErrorCode.INVALID_ID, message, false);
}

/** Each token is known to the redactor before any call can carry it, or an error quote it. */
function tokensRemembered(request: RequestToken, redactor: SecretRedactor): RequestToken {
  return async () => {
    const grant = await request();
    redactor.rememberToken(grant.accessToken);
    return grant;
  };
}

function normaliseApiBase(apiBase: string): string {
  let url: URL | undefined;
  try {
    url = new URL(apiBase);
  } catch {
    url = undefined;
  }
  const plain = url !== undefined && (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password && !url.search && !url.hash;
  if (!plain || url === undefined) {
    throw new BenchlingError(BenchlingErrorCode.CONFIG, `The Benchling API base ${JSON.stringify(apiBase)} is not a plain http(s) URL such as https://acme.benchling.com`, false);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function requireCredentials(options: BenchlingClientOptions): void {
  const missing = (['clientId', 'clientSecret'] as const).filter((k) => typeof options[k] !== 'string' || options[k] === '');
  if (missing.length > 0) throw new BenchlingError(BenchlingErrorCode.CONFIG, `The Benchling client needs ${missing.join(' and ')}`, false);
}
