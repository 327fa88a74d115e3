import { stringify } from 'yaml';
import { CANVAS_TYPES, ENTRY_TYPES, MessageType } from '../benchling/webhook-envelope.ts';

/**
 * The Benchling app manifest (reference/benchling-protocol.md §6). Subscriptions come from the
 * service's own list of handled types, so the two cannot drift apart; lifecycle messages are
 * delivered without one. No `lifecycleManagement` and no `webhookUrl`: Benchling rejects or
 * ignores them now (the URL is set in the Developer Console).
 */

/** Canvas messages carry this as `featureId`. */
export const CANVAS_FEATURE_ID = 'quilt_entry';

export interface AppManifestInfo {
  name: string;
  /** Semver; kept equal to the package version. */
  version: string;
  description: string;
}

export const WEBHOOK_VERSIONS = ['v2', 'v3'] as const;
export type WebhookVersion = (typeof WEBHOOK_VERSIONS)[number];

export const SUBSCRIBED_MESSAGE_TYPES = [...CANVAS_TYPES, ...ENTRY_TYPES] as const;

/**
 * The types to subscribe to, for an app that takes v2 or v3 entry webhooks. Benchling's v3
 * webhooks have an entry.created but no entry update and no canvas messages yet, so a v3 app
 * takes v3.entry.created in place of v2.entry.created and keeps the rest in v2. Never both
 * created types: each entry would be announced, and packaged, twice.
 */
export function subscribedMessageTypes(version: WebhookVersion): string[] {
  if (version === 'v2') return [...SUBSCRIBED_MESSAGE_TYPES];
  return SUBSCRIBED_MESSAGE_TYPES.map((type) => (type === MessageType.entryCreated ? MessageType.entryCreatedV3 : type));
}

export function appManifest(info: AppManifestInfo, webhookVersion: WebhookVersion = 'v2'): string {
  return stringify({
    manifestVersion: 1,
    info: { name: info.name, description: info.description, version: info.version },
    features: [{ name: 'Quilt package', id: CANVAS_FEATURE_ID, type: 'CANVAS' }],
    subscriptions: { deliveryMethod: 'WEBHOOK', messages: subscribedMessageTypes(webhookVersion).map((type) => ({ type })) },
  });
}
