import { z } from 'zod';
import { benchlingIdSchema } from './benchling-id.ts';
import { isV3MessageType, parseV3Envelope, V3_ENTRY_TYPES, V3MessageType, type EntryCreatedV3Message } from './webhook-envelope-v3.ts';

/**
 * The webhook envelope and the message types this service handles
 * (reference/benchling-protocol.md §2–3). Benchling adds fields over time, so every object is
 * loose; only what the service acts on is required. Parse only after the signature checks.
 */

export const MessageType = {
  appInstalled: 'v2.app.installed',
  appActivateRequested: 'v2.app.activateRequested',
  appDeactivated: 'v2.app.deactivated',
  /** Benchling only sends `v2-beta.app.configuration.updated`; this is its normalised name. */
  appConfigurationUpdated: 'v2.app.configuration.updated',
  canvasInitialized: 'v2.canvas.initialized',
  canvasCreated: 'v2.canvas.created',
  canvasUserInteracted: 'v2.canvas.userInteracted',
  entryCreated: 'v2.entry.created',
  entryUpdatedFields: 'v2.entry.updated.fields',
  entryUpdatedReviewRecord: 'v2.entry.updated.reviewRecord',
  /** Packaged as v2.entry.created is; its envelope is v3's (webhook-envelope-v3.ts). */
  entryCreatedV3: V3MessageType.entryCreated,
} as const;

export const LIFECYCLE_PREFIX = 'v2.app.';
export const CANVAS_TYPES = [MessageType.canvasInitialized, MessageType.canvasCreated, MessageType.canvasUserInteracted] as const;
export const ENTRY_TYPES = [MessageType.entryCreated, MessageType.entryUpdatedFields, MessageType.entryUpdatedReviewRecord] as const;

/** Every entry event the worker packages on, of either webhook version. */
export const PACKAGED_ENTRY_TYPES = [...ENTRY_TYPES, ...V3_ENTRY_TYPES] as const;

export type CanvasType = (typeof CANVAS_TYPES)[number];
export type EntryType = (typeof ENTRY_TYPES)[number];
export type MessageCategory = 'lifecycle' | 'canvas' | 'entry' | 'unknown';

const BETA_PREFIX = 'v2-beta.';

/** Beta and stable copies of one message are the same message to us. */
export function normaliseMessageType(type: string): string {
  return type.startsWith(BETA_PREFIX) ? `v2.${type.slice(BETA_PREFIX.length)}` : type;
}

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

export function classifyMessage(type: string): MessageCategory {
  const normalised = normaliseMessageType(type);
  if (normalised.startsWith(LIFECYCLE_PREFIX)) return 'lifecycle';
  if (isOneOf(CANVAS_TYPES, normalised)) return 'canvas';
  if (isOneOf(PACKAGED_ENTRY_TYPES, normalised)) return 'entry';
  return 'unknown';
}

/** Informational fields: a wrong shape drops the field instead of refusing the message. */
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/**
 * Ids name what the worker calls Benchling about, so one that is not Benchling's id shape
 * refuses the message (400) before anything is queued. An id the service can do without is
 * dropped when absent or not text, but text there must still be an id.
 */
const optionalId = z.preprocess((value) => (typeof value === 'string' ? value : undefined), benchlingIdSchema.optional());

const messageCommon = { deprecated: lenient(z.boolean()) };

const canvasInitializedSchema = z.looseObject({
  ...messageCommon,
  type: z.literal(MessageType.canvasInitialized),
  // No canvasId: the app creates the canvas from these two.
  featureId: z.string(),
  resourceId: benchlingIdSchema,
  userId: lenient(z.string()),
});

const canvasCreatedSchema = z.looseObject({
  ...messageCommon,
  type: z.literal(MessageType.canvasCreated),
  canvasId: benchlingIdSchema,
  featureId: lenient(z.string()),
  // Not trusted to say which entry the canvas shows: the canvas's own record does (canvas-jobs.ts).
  resourceId: optionalId,
  userId: lenient(z.string()),
});

const canvasUserInteractedSchema = z.looseObject({
  ...messageCommon,
  type: z.literal(MessageType.canvasUserInteracted),
  // No resourceId: it is read from the canvas.
  buttonId: z.string(),
  canvasId: benchlingIdSchema,
  featureId: lenient(z.string()),
  userId: lenient(z.string()),
});

const entryEventSchema = z.looseObject({
  ...messageCommon,
  type: z.enum(ENTRY_TYPES),
  id: lenient(z.string()),
  createdAt: lenient(z.string()),
  resourceId: benchlingIdSchema,
  schema: lenient(z.looseObject({ id: z.string(), name: z.string().optional() }).nullable()),
  excludedProperties: lenient(z.array(z.string())),
  updates: lenient(z.array(z.string())),
});

const anyMessageSchema = z.looseObject({ ...messageCommon, type: z.string() });

const envelopeSchema = z.looseObject({
  version: z.string(),
  baseURL: z.string(),
  tenantId: z.string(),
  app: z.looseObject({ id: benchlingIdSchema }),
  appDefinition: z.looseObject({ id: z.string(), versionNumber: lenient(z.string()) }),
  channel: z.string(),
  message: anyMessageSchema,
});

export type CanvasInitializedMessage = z.infer<typeof canvasInitializedSchema>;
export type CanvasCreatedMessage = z.infer<typeof canvasCreatedSchema>;
export type CanvasUserInteractedMessage = z.infer<typeof canvasUserInteractedSchema>;
export type CanvasMessage = CanvasInitializedMessage | CanvasCreatedMessage | CanvasUserInteractedMessage;
export type EntryEventMessage = z.infer<typeof entryEventSchema>;
export type { EntryCreatedV3Message };
type AnyMessage = z.infer<typeof anyMessageSchema>;

/**
 * `type` is the normalised type; `category` is derived by classifyMessage. Switch on
 * `category`, then on `type` within canvas and entry messages.
 */
export type WebhookMessage =
  | (AnyMessage & { category: 'lifecycle' })
  | (CanvasMessage & { category: 'canvas' })
  | (EntryEventMessage & { category: 'entry' })
  | (EntryCreatedV3Message & { category: 'entry' })
  | (AnyMessage & { category: 'unknown' });

type V2Envelope = z.infer<typeof envelopeSchema>;

/**
 * A v2 or a v3 envelope: v3's has no `channel`, and its app definition id may be null
 * (webhook-envelope-v3.ts). `webhookVersion` says which one came.
 */
export type WebhookEnvelope = Omit<V2Envelope, 'message' | 'channel' | 'appDefinition'> & {
  webhookVersion: 'v2' | 'v3';
  channel?: string;
  appDefinition: { id: string | null; versionNumber?: string | undefined };
  message: WebhookMessage;
};

export type ParsedEnvelope = { ok: true; envelope: WebhookEnvelope } | { ok: false; message: string };
type ParsedMessage = { ok: true; message: WebhookMessage } | { ok: false; message: string };

const CANVAS_SCHEMAS = {
  [MessageType.canvasInitialized]: canvasInitializedSchema,
  [MessageType.canvasCreated]: canvasCreatedSchema,
  [MessageType.canvasUserInteracted]: canvasUserInteractedSchema,
} as const;

/** Names the field and what was wrong with it; zod's messages give types, never values. */
function describeIssues(what: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
  return `${what}${where}: ${issue?.message ?? 'invalid'}`;
}

function parseMessage(raw: AnyMessage): ParsedMessage {
  const normalised = { ...raw, type: normaliseMessageType(raw.type) };
  const category = classifyMessage(normalised.type);
  if (category === 'lifecycle' || category === 'unknown') return { ok: true, message: { ...normalised, category } };
  const invalid = (error: z.ZodError): ParsedMessage => ({
    ok: false,
    message: describeIssues(`Not a valid ${normalised.type} message`, error),
  });
  if (category === 'entry') {
    const entry = entryEventSchema.safeParse(normalised);
    return entry.success ? { ok: true, message: { ...entry.data, category } } : invalid(entry.error);
  }
  const canvas = canvasSchemaFor(normalised.type).safeParse(normalised);
  return canvas.success ? { ok: true, message: { ...canvas.data, category } } : invalid(canvas.error);
}

function canvasSchemaFor(type: string) {
  return CANVAS_SCHEMAS[type as CanvasType];
}

function parseJson(rawBody: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(rawBody.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * Both webhook versions send `version: "0"`; the message type tells them apart. A body with
 * no type to go by is taken for v3 when it has no `channel` either (every v2 envelope has
 * one), so its refusal names what v3 misses rather than v2's channel.
 */
function isV3Body(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const message = (value as { message?: unknown }).message;
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? isV3MessageType(type) : !('channel' in value);
}

/** A v3 message is held to v3's envelope (webhook-envelope-v3.ts), every other body to v2's. */
function parseV3(value: unknown): ParsedEnvelope {
  const parsed = parseV3Envelope(value);
  if (!parsed.ok) return parsed;
  const { envelope } = parsed;
  const category = classifyMessage(envelope.message.type);
  const message = (category === 'entry' ? { ...envelope.message, category } : { ...envelope.message, category: 'unknown' }) as WebhookMessage;
  return { ok: true, envelope: { ...envelope, webhookVersion: 'v3', message } };
}

/** Never throws and never quotes the body in its message (the body may hold user data). */
export function parseEnvelope(rawBody: Buffer): ParsedEnvelope {
  const json = parseJson(rawBody);
  if (!json.ok) return { ok: false, message: 'The body is not JSON' };
  if (isV3Body(json.value)) return parseV3(json.value);
  const base = envelopeSchema.safeParse(json.value);
  if (!base.success) return { ok: false, message: describeIssues('Not a Benchling webhook envelope', base.error) };
  const message = parseMessage(base.data.message);
  if (!message.ok) return message;
  return { ok: true, envelope: { ...base.data, webhookVersion: 'v2', message: message.message } };
}
