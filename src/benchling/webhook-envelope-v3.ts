import { z } from 'zod';
import { benchlingIdSchema } from './benchling-id.ts';

/**
 * Benchling's v3 app webhooks, as its v3 OpenAPI document declares them in its `webhooks:`
 * block: an envelope `WebhookEnvelopeBaseV0` (no `channel`, unlike v2's, and an app
 * definition id that may be null) around a message that extends `V3EventBase`. A v3 type is
 * named `v3.<resource>.<event>`; its `stability` says whether the resource type is beta, so
 * there are no `v3-beta.` names to normalise.
 *
 * The handled type is checked against the whole schema, as the spec states it: every
 * required field, `version` "0", `stability` one of its two values, `createdAt` an RFC 3339
 * time. Objects stay open, as the spec leaves them. On top of the spec, the ids the app acts
 * on (the entry, the installation) must have Benchling's id shape, as in v2 messages.
 * Other v3 types get only the envelope's checks, as unknown v2 types do: the app ignores
 * them, and refusing them would only make Benchling retry.
 */

export const V3_PREFIX = 'v3.';

export const V3MessageType = {
  entryCreated: 'v3.entry.created',
} as const;

export const V3_ENTRY_TYPES = [V3MessageType.entryCreated] as const;

export function isV3MessageType(type: string): boolean {
  return type.startsWith(V3_PREFIX);
}

/** RFC 3339 `date-time` (section 5.6): a full date, a time with seconds, and an offset. */
const RFC_3339 = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

const dateTime = z.string().regex(RFC_3339, { message: 'not an RFC 3339 date-time' });

/** `WebhookApp`: the installation the webhook was delivered to. */
const webhookAppSchema = z.looseObject({ id: benchlingIdSchema });

/** `WebhookAppDefinition`: the spec allows a null id, and requires the version. */
const webhookAppDefinitionSchema = z.looseObject({ id: z.string().nullable(), versionNumber: z.string() });

/** `WebhookEnvelopeBaseV0`, with the message left to the type's own schema. */
const envelopeBaseFields = {
  version: z.literal('0'),
  baseURL: z.string(),
  tenantId: z.string(),
  app: webhookAppSchema,
  appDefinition: webhookAppDefinitionSchema,
};

/** `V3EventBase`: what every v3 event message carries. */
const eventBaseFields = {
  id: z.string(),
  type: z.string(),
  createdAt: dateTime,
  resourceId: z.string(),
  stability: z.enum(['stable', 'beta']),
  deprecated: z.boolean(),
};

const entryCreatedMessageSchema = z.looseObject({
  ...eventBaseFields,
  type: z.literal(V3MessageType.entryCreated),
  // The worker reads the entry by this id.
  resourceId: benchlingIdSchema,
});

const entryCreatedEnvelopeSchema = z.looseObject({ ...envelopeBaseFields, message: entryCreatedMessageSchema });

const otherEnvelopeSchema = z.looseObject({ ...envelopeBaseFields, message: z.looseObject({ type: z.string() }) });

export type EntryCreatedV3Message = z.infer<typeof entryCreatedMessageSchema>;
export type V3Envelope = z.infer<typeof otherEnvelopeSchema>;
export type EntryCreatedV3Envelope = z.infer<typeof entryCreatedEnvelopeSchema>;

export type ParsedV3Envelope =
  | { ok: true; envelope: EntryCreatedV3Envelope | V3Envelope }
  | { ok: false; message: string };

/** Paths named in a refusal; more are summarised as a count. */
const MAX_NAMED_PATHS = 5;

/** Names every violated path and what is wrong there; zod's messages give types, never values. */
function describeIssues(what: string, error: z.ZodError): string {
  const named = error.issues.slice(0, MAX_NAMED_PATHS).map((issue) => `${issue.path.length === 0 ? '(the body)' : issue.path.join('.')}: ${issue.message}`);
  const more = error.issues.length > MAX_NAMED_PATHS ? `; and ${error.issues.length - MAX_NAMED_PATHS} more` : '';
  return `${what} at ${named.join('; ')}${more}`;
}

/** `value` is parsed JSON taken for a v3 webhook. Never throws, never quotes the body. */
export function parseV3Envelope(value: unknown): ParsedV3Envelope {
  const type = (value as { message?: { type?: unknown } }).message?.type;
  const handled = type === V3MessageType.entryCreated;
  const parsed = (handled ? entryCreatedEnvelopeSchema : otherEnvelopeSchema).safeParse(value);
  if (parsed.success) return { ok: true, envelope: parsed.data };
  const what = handled ? `Not a valid ${V3MessageType.entryCreated} envelope (Benchling's v3 EntryCreatedWebhookEnvelopeV3)` : 'Not a Benchling v3 webhook envelope (WebhookEnvelopeBaseV0)';
  return { ok: false, message: describeIssues(what, parsed.error) };
}
