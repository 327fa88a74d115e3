import { stringify } from 'yaml';
import { CANVAS_TYPES, ENTRY_TYPES } from '../benchling/webhook-envelope.ts';

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

export const SUBSCRIBED_MESSAGE_TYPES = [...CANVAS_TYPES, ...ENTRY_TYPES] as const;

export function appManifest(info: AppManifestInfo): string {
  return stringify({
    manifestVersion: 1,
    info: { name: info.name, description: info.description, version: info.version },
    features: [{ name: 'Quilt package', id: CANVAS_FEATURE_ID, type: 'CANVAS' }],
    subscriptions: { deliveryMethod: 'WEBHOOK', messages: SUBSCRIBED_MESSAGE_TYPES.map((type) => ({ type })) },
  });
}
