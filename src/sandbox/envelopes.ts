import { benchlingId } from './ids.ts';

export type WebhookChannel = 'app_signals' | 'events';

export interface EntrySchemaRef {
  id: string;
  name: string;
}

interface MessageBase {
  deprecated: boolean;
}

/** Data events are thin: ids and timestamps; the receiver re-fetches the entry. */
export interface EntryEventMessage extends MessageBase {
  type: 'v2.entry.created' | 'v2.entry.updated.reviewRecord';
  id: string;
  createdAt: string;
  resourceId: string;
  schema: EntrySchemaRef | null;
  excludedProperties: string[];
}

export interface EntryFieldsUpdatedMessage extends Omit<EntryEventMessage, 'type'> {
  type: 'v2.entry.updated.fields';
  updates: string[];
}

export interface CanvasInitializedMessage extends MessageBase {
  type: 'v2.canvas.initialized';
  featureId: string;
  resourceId: string;
  userId: string;
}

export interface CanvasCreatedMessage extends MessageBase {
  type: 'v2.canvas.created';
  canvasId: string;
  featureId: string;
  resourceId: string;
  userId: string;
}

export interface CanvasUserInteractedMessage extends MessageBase {
  type: 'v2.canvas.userInteracted';
  buttonId: string;
  canvasId: string;
  featureId: string;
  userId: string;
}

export interface AppInstalledMessage extends MessageBase {
  type: 'v2.app.installed';
}

export type WebhookMessage =
  | EntryEventMessage
  | EntryFieldsUpdatedMessage
  | CanvasInitializedMessage
  | CanvasCreatedMessage
  | CanvasUserInteractedMessage
  | AppInstalledMessage;

export interface WebhookEnvelope<M extends WebhookMessage = WebhookMessage> {
  version: '0';
  baseURL: string;
  tenantId: string;
  app: { id: string };
  appDefinition: { id: string; versionNumber: string };
  channel: WebhookChannel;
  message: M;
}

/**
 * A v3 event message (Benchling's v3 `V3EventBase`): thin like v2's, with the resource
 * type's `stability` and no `schema` or `excludedProperties`.
 */
export interface V3EventMessage<T extends string = string> {
  id: string;
  type: T;
  createdAt: string;
  resourceId: string;
  stability: 'stable' | 'beta';
  deprecated: boolean;
}

/** A v3 envelope (`WebhookEnvelopeBaseV0`): v2's without `channel`. */
export interface WebhookEnvelopeV3<M extends V3EventMessage = V3EventMessage> {
  version: '0';
  baseURL: string;
  tenantId: string;
  app: { id: string };
  appDefinition: { id: string | null; versionNumber: string };
  message: M;
}

export interface EnvelopeContext {
  baseURL: string;
  tenantId: string;
  appId: string;
  appDefinitionId: string;
  versionNumber: string;
  /** The manifest's canvas feature id, used when a builder is not given one. */
  featureId: string;
  /** The Benchling user who acts, used when a builder is not given one. */
  userId: string;
  /** The entry's schema as an event reports it; null for unknown entries. */
  schemaOf: (entryId: string) => EntrySchemaRef | null;
}

interface ActorOptions {
  featureId?: string;
  userId?: string;
}

/** Builds the envelope of every message type the app handles, with the real field set. */
export class EnvelopeFactory {
  constructor(private readonly context: EnvelopeContext) {}

  entryCreated(entryId: string): WebhookEnvelope<EntryEventMessage> {
    return this.wrap('events', { type: 'v2.entry.created', ...this.entryEvent(entryId) });
  }

  entryUpdatedFields(entryId: string, updates: string[] = []): WebhookEnvelope<EntryFieldsUpdatedMessage> {
    return this.wrap('events', { type: 'v2.entry.updated.fields', ...this.entryEvent(entryId), updates });
  }

  entryUpdatedReviewRecord(entryId: string): WebhookEnvelope<EntryEventMessage> {
    return this.wrap('events', { type: 'v2.entry.updated.reviewRecord', ...this.entryEvent(entryId) });
  }

  /** No canvasId: the app is expected to create the canvas. */
  canvasInitialized(options: { resourceId: string } & ActorOptions): WebhookEnvelope<CanvasInitializedMessage> {
    return this.wrap('app_signals', { type: 'v2.canvas.initialized', deprecated: false, ...this.actor(options), resourceId: options.resourceId });
  }

  canvasCreated(options: { canvasId: string; resourceId: string } & ActorOptions): WebhookEnvelope<CanvasCreatedMessage> {
    const { canvasId, resourceId } = options;
    return this.wrap('app_signals', { type: 'v2.canvas.created', deprecated: false, ...this.actor(options), canvasId, resourceId });
  }

  /** No resourceId: the app is expected to GET the canvas to learn it. */
  canvasUserInteracted(options: { canvasId: string; buttonId: string } & ActorOptions): WebhookEnvelope<CanvasUserInteractedMessage> {
    const { canvasId, buttonId } = options;
    return this.wrap('app_signals', { type: 'v2.canvas.userInteracted', deprecated: false, ...this.actor(options), canvasId, buttonId });
  }

  appInstalled(): WebhookEnvelope<AppInstalledMessage> {
    return this.wrap('app_signals', { type: 'v2.app.installed', deprecated: false });
  }

  /** What Benchling sends an app subscribed to v3.entry.created. */
  entryCreatedV3(entryId: string): WebhookEnvelopeV3<V3EventMessage<'v3.entry.created'>> {
    return this.v3Event('v3.entry.created', entryId);
  }

  /**
   * Any v3 event, as Benchling's v3 spec declares them (`v3.dnaSequence.created`,
   * `v3.project.updated`, …): the app packages only v3.entry.created and ignores the rest.
   * `extra` adds what a type carries beyond the base, such as an update's `properties`.
   */
  v3Event<T extends string>(type: T, resourceId: string, extra: Record<string, unknown> = {}): WebhookEnvelopeV3<V3EventMessage<T>> {
    const c = this.context;
    const message = { id: benchlingId('evt', 12), type, createdAt: new Date().toISOString(), resourceId, stability: 'stable' as const, deprecated: false, ...extra };
    return {
      version: '0',
      baseURL: c.baseURL,
      tenantId: c.tenantId,
      app: { id: c.appId },
      appDefinition: { id: c.appDefinitionId, versionNumber: c.versionNumber },
      message,
    };
  }

  private entryEvent(entryId: string) {
    return {
      deprecated: false,
      id: benchlingId('evt', 12),
      createdAt: new Date().toISOString(),
      resourceId: entryId,
      schema: this.context.schemaOf(entryId),
      excludedProperties: [] as string[],
    };
  }

  private actor(options: ActorOptions) {
    return { featureId: options.featureId ?? this.context.featureId, userId: options.userId ?? this.context.userId };
  }

  private wrap<M extends WebhookMessage>(channel: WebhookChannel, message: M): WebhookEnvelope<M> {
    const c = this.context;
    return {
      version: '0',
      baseURL: c.baseURL,
      tenantId: c.tenantId,
      app: { id: c.appId },
      appDefinition: { id: c.appDefinitionId, versionNumber: c.versionNumber },
      channel,
      message,
    };
  }
}
