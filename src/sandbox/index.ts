/** The simulated Benchling tenant: what `demo` and the tests use as the Benchling peer. */
export { SandboxTenant, type SandboxTenantOptions, type SendWebhookOptions } from './sandbox-tenant.ts';
export type { SandboxSecret } from './credentials.ts';
export { entryField } from './entry-model.ts';
export type {
  AttachmentSource,
  Attachments,
  BenchlingUser,
  EntryDay,
  EntryField,
  EntryInput,
  EntryNote,
  LinkedObject,
  LinkedObjectKind,
  NoteLink,
  SandboxEntry,
} from './entry-model.ts';
export type { CanvasWrite, SandboxCanvas } from './canvas-store.ts';
export type { CanvasBlock } from './canvas-schema.ts';
export { CANVAS_DATA_LIMIT_BYTES } from './canvas-schema.ts';
export type {
  AppInstalledMessage,
  CanvasCreatedMessage,
  CanvasInitializedMessage,
  CanvasUserInteractedMessage,
  EntryEventMessage,
  EntryFieldsUpdatedMessage,
  EnvelopeFactory,
  V3EventMessage,
  WebhookChannel,
  WebhookEnvelope,
  WebhookEnvelopeV3,
  WebhookMessage,
} from './envelopes.ts';
export type { ExportTiming, TaskView } from './export-tasks.ts';
export type { CraftedExport } from './export-zip.ts';
export type { FailureSpec, TruncationSpec } from './fault-plan.ts';
export { DEFAULT_RATE_LIMIT, type RateLimitSettings } from './rate-limiter.ts';
export type { LoggedRequest } from './request-log.ts';
export type { RoutePattern } from './route-pattern.ts';
export type { WebhookDelivery } from './send-webhook.ts';
export { SigningKeyring, type Jwks, type SigningKey } from './signing-keys.ts';
export { signWebhook, type ForgeryKind, type SignOptions, type WebhookHeaders } from './webhook-signer.ts';
export { generatedBytes } from './generated-bytes.ts';
export { renderedFileName, type ExportFormat } from './entry-render.ts';
