import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../errors/app-error.ts';
import { CanvasStore, type CanvasWrite, type SandboxCanvas } from './canvas-store.ts';
import type { CanvasBlock } from './canvas-schema.ts';
import { generateCredentials, type SandboxSecret } from './credentials.ts';
import { seedDemoEntry } from './demo-entry.ts';
import { createDispatcher } from './dispatcher.ts';
import type { EntryInput, LinkedObject, LinkedObjectKind, SandboxEntry } from './entry-model.ts';
import { EntryStore } from './entry-store.ts';
import { EnvelopeFactory, type WebhookEnvelope, type WebhookEnvelopeV3 } from './envelopes.ts';
import { ExportTasks, type ExportTiming } from './export-tasks.ts';
import type { CraftedExport } from './export-zip.ts';
import { FaultPlan, type FailureSpec, type TruncationSpec } from './fault-plan.ts';
import { benchlingId } from './ids.ts';
import { DEFAULT_RATE_LIMIT, FixedWindowRateLimiter, type RateLimitSettings } from './rate-limiter.ts';
import { RequestLog, type LoggedRequest } from './request-log.ts';
import type { Route, SandboxState } from './route.ts';
import type { RoutePattern } from './route-pattern.ts';
import { ALL_ROUTES } from './routes/all-routes.ts';
import { postWebhook, type WebhookDelivery } from './send-webhook.ts';
import { SigningKeyring } from './signing-keys.ts';
import { TokenIssuer } from './token-issuer.ts';
import { signWebhook, type SignOptions, type WebhookHeaders } from './webhook-signer.ts';

export interface SandboxTenantOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Fixed values for any of the four secret fields; the rest are generated. */
  credentials?: Partial<SandboxSecret>;
  /** `expires_in` of issued tokens; default 900. */
  tokenLifetimeSeconds?: number;
  /** Default 60 requests per 30 s; `false` turns the limit off. */
  rateLimit?: RateLimitSettings | false;
  /** How long exports stay RUNNING; default one poll, no minimum time. */
  exportTiming?: Partial<ExportTiming>;
  /** Seed the demo entry at start; default true. */
  seedDemoEntry?: boolean;
  /** The installed manifest version that envelopes report; default 0.1.0. */
  appVersion?: string;
  /** The manifest's canvas feature id; default `quilt_entry`. */
  featureId?: string;
  /** Told of each request once answered (e.g. to print what the app calls). */
  onRequest?: (request: LoggedRequest) => void;
  /**
   * More routes, tried before the Benchling API's: the `sandbox` command's page and control
   * calls. Given the tenant, so they can reach its canvases and send its webhooks.
   */
  extraRoutes?: (tenant: SandboxTenant) => readonly Route[];
}

export interface SendWebhookOptions extends SignOptions {
  /** Extra or replacement headers; `undefined` removes one (e.g. a signature header). */
  headers?: Record<string, string | undefined>;
}

/**
 * A Benchling tenant on loopback HTTP: OAuth, entries, exports, app canvases, the app's
 * JWKS, rate limits and injectable faults, plus the signer that plays Benchling's webhook
 * deliveries. `url` stands for `https://{tenant}.benchling.com`.
 */
export class SandboxTenant {
  readonly appId = benchlingId('app');
  readonly tenantId = benchlingId('ten');
  readonly featureId: string;
  readonly keyring = new SigningKeyring();
  readonly faults = new FaultPlan();
  readonly log = new RequestLog();
  private readonly credentials: SandboxSecret;
  private readonly tokens: TokenIssuer;
  private readonly exports: ExportTasks;
  private readonly user = { id: benchlingId('ent'), name: 'Ada Lovelace', handle: 'ada' };
  private limiter: FixedWindowRateLimiter | undefined;
  private server: Server | undefined;
  private state: SandboxState | undefined;
  private envelopeFactory: EnvelopeFactory | undefined;
  private seededEntryId: string | undefined;

  constructor(private readonly options: SandboxTenantOptions = {}) {
    this.credentials = generateCredentials(options.credentials);
    this.featureId = options.featureId ?? 'quilt_entry';
    const { client_id: clientId, client_secret: clientSecret } = this.credentials;
    this.tokens = new TokenIssuer({ clientId, clientSecret }, options.tokenLifetimeSeconds ?? 900);
    this.exports = new ExportTasks({ polls: 1, ms: 0, ...options.exportTiming });
    this.setRateLimit(options.rateLimit ?? DEFAULT_RATE_LIMIT);
  }

  async start(): Promise<this> {
    if (this.server) throw new AppError('sandbox_already_started', 'the sandbox tenant is already running');
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', resolve);
    });
    this.server = server;
    const baseURL = `http://${this.options.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
    this.state = this.buildState(baseURL);
    const routes = [...(this.options.extraRoutes?.(this) ?? []), ...ALL_ROUTES];
    const dispatch = createDispatcher({ routes, state: this.state, log: this.log, rateLimiter: () => this.limiter, onFinished: this.options.onRequest });
    server.on('request', dispatch);
    if (this.options.seedDemoEntry !== false) this.seededEntryId = seedDemoEntry(this.state.entries).id;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server?.listening) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** The four snake_case fields of the Benchling secret, exactly. */
  get secret(): SandboxSecret {
    const { tenant, client_id, client_secret, app_definition_id } = this.credentials;
    return { tenant, client_id, client_secret, app_definition_id };
  }

  get url(): string {
    return this.running().baseURL;
  }

  get apiUrl(): string {
    return `${this.url}/api/v2`;
  }

  get jwksUrl(): string {
    return `${this.url}/api/v1/apps/${this.credentials.app_definition_id}/jwks`;
  }

  /** The settings that point the service at this tenant. */
  serviceEnv(): Record<'BENCHLING_API_URL' | 'BENCHLING_JWKS_URL' | 'BENCHLING_SECRETS', string> {
    return { BENCHLING_API_URL: this.url, BENCHLING_JWKS_URL: this.jwksUrl, BENCHLING_SECRETS: JSON.stringify(this.secret) };
  }

  // --- content -------------------------------------------------------------------------

  /** The seeded demo entry as it is now. */
  get demoEntry(): SandboxEntry {
    const entry = this.seededEntryId && this.entry(this.seededEntryId);
    if (!entry) throw new AppError('sandbox_no_demo_entry', 'the sandbox was started without its demo entry');
    return entry;
  }

  /** Every entry, in the order they were added. */
  get entries(): SandboxEntry[] {
    return this.running().entries.all();
  }

  entry(id: string): SandboxEntry | undefined {
    return this.running().entries.get(id);
  }

  addEntry(input: EntryInput = {}): SandboxEntry {
    return this.running().entries.add(input);
  }

  updateEntry(id: string, change: EntryInput): SandboxEntry {
    return this.running().entries.update(id, change);
  }

  addLinkedObject(kind: LinkedObjectKind, name: string): LinkedObject {
    return this.running().entries.addLinkedObject(kind, name);
  }

  /**
   * A canvas a user inserted into an entry, to announce with `envelopes.canvasCreated`. A test
   * may make it another app's (`appId`: the app can read it, and its writes are refused with
   * 403), or give it saved `data`.
   */
  insertCanvas(resourceId: string, options: { featureId?: string; appId?: string; data?: string; blocks?: CanvasBlock[] } = {}): SandboxCanvas {
    return structuredClone(this.running().canvases.insert({ ...options, resourceId, featureId: options.featureId ?? this.featureId }));
  }

  /** Every canvas (the app's and any inserted), in the order they came. */
  get canvases(): SandboxCanvas[] {
    return this.running().canvases.all();
  }

  canvas(id: string): SandboxCanvas | undefined {
    return this.running().canvases.get(id);
  }

  /** A user removes the canvas from the entry: later reads and writes of it are 404. */
  deleteCanvas(id: string): void {
    this.running().canvases.remove(id);
  }

  /** Every POST/PATCH to app canvases, accepted or refused, in order. */
  get canvasWrites(): readonly CanvasWrite[] {
    return this.running().canvases.writes;
  }

  // --- behaviour knobs -----------------------------------------------------------------

  rotateKeys(options: { dropOld?: boolean } = {}): string {
    return this.keyring.rotate(options);
  }

  /** Invalidates every issued token, so the next API call answers 401. */
  revokeTokens(): void {
    this.tokens.revokeAll();
  }

  setRateLimit(settings: RateLimitSettings | false): void {
    this.limiter = settings === false ? undefined : new FixedWindowRateLimiter(settings);
  }

  get exportTiming(): ExportTiming {
    return { ...this.exports.timing };
  }

  set exportTiming(timing: Partial<ExportTiming>) {
    this.exports.timing = { ...this.exports.timing, ...timing };
  }

  /** Exports of this entry started from now on stay RUNNING until released (whatever the timing). */
  holdExports(entryId: string): void {
    this.exports.hold(entryId);
  }

  /** Ends every hold: held exports finish at their next poll. */
  releaseExports(): void {
    this.exports.releaseAll();
  }

  /** How many held exports are RUNNING now (started and not released). */
  get heldExports(): number {
    return this.exports.heldRunning;
  }

  failNext(pattern: RoutePattern, spec: FailureSpec): void {
    this.faults.failNext(pattern, spec);
  }

  delayNext(pattern: RoutePattern, ms: number, times = 1): void {
    this.faults.delayNext(pattern, ms, times);
  }

  failNextExport(message: string, times = 1): void {
    this.faults.failNextExport(message, times);
  }

  truncateNextDownload(spec: TruncationSpec = {}): void {
    this.faults.truncateNextDownload(spec);
  }

  /**
   * Exports of the entry started from now on download `body` (a hostile or malformed ZIP)
   * instead of the ZIP the entry would export; undefined goes back to the real one.
   */
  craftExport(entryId: string, body: CraftedExport | undefined): void {
    if (!this.running().entries.get(entryId)) throw new AppError('sandbox_unknown_entry', `no entry ${entryId} in the sandbox`);
    this.exports.craft(entryId, body);
  }

  // --- observation -----------------------------------------------------------------------

  /** Every access token the tenant has issued, in order. */
  get issuedTokens(): readonly string[] {
    return [...this.tokens.issued];
  }

  requests(pattern: RoutePattern): LoggedRequest[] {
    return this.log.matching(pattern);
  }

  count(pattern: RoutePattern, status?: number): number {
    return this.log.count(pattern, status);
  }

  // --- webhooks --------------------------------------------------------------------------

  get envelopes(): EnvelopeFactory {
    this.running();
    return this.envelopeFactory!;
  }

  signWebhook(body: string | Buffer, options: SignOptions = {}): WebhookHeaders {
    return signWebhook(this.keyring, body, options);
  }

  /** POSTs the envelope, v2 or v3 (or a raw body, sent as is), signed as Benchling would. */
  sendWebhook(targetUrl: string, envelope: WebhookEnvelope | WebhookEnvelopeV3 | string | Buffer, options: SendWebhookOptions = {}): Promise<WebhookDelivery> {
    const { headers, ...signOptions } = options;
    const body = typeof envelope === 'string' || Buffer.isBuffer(envelope) ? envelope : JSON.stringify(envelope);
    return postWebhook(targetUrl, body, this.signWebhook(body, signOptions), headers);
  }

  private running(): SandboxState {
    if (!this.state) throw new AppError('sandbox_not_started', 'start() the sandbox tenant before using it');
    return this.state;
  }

  private buildState(baseURL: string): SandboxState {
    const entries = new EntryStore({
      baseURL,
      tenant: this.credentials.tenant,
      user: this.user,
      folderId: benchlingId('lib'),
      schema: { id: benchlingId('ts'), name: 'Experiment' },
    });
    this.envelopeFactory = new EnvelopeFactory({
      baseURL,
      tenantId: this.tenantId,
      appId: this.appId,
      appDefinitionId: this.credentials.app_definition_id,
      versionNumber: this.options.appVersion ?? '0.1.0',
      featureId: this.featureId,
      userId: this.user.id,
      schemaOf: (id) => entries.get(id)?.schema ?? null,
    });
    return {
      baseURL,
      appDefinitionId: this.credentials.app_definition_id,
      tokens: this.tokens,
      keyring: this.keyring,
      entries,
      exports: this.exports,
      canvases: new CanvasStore(this.appId, (id) => entries.get(id) !== undefined),
      faults: this.faults,
    };
  }
}
