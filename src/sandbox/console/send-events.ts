/**
 * What `benchling-webhook send` can ask the sandbox to deliver, named as a user types them.
 * Kept apart from the tenant so the CLI can check a name before it contacts anything.
 */
export const SEND_EVENTS = ['entry-created', 'entry-updated', 'canvas-initialized', 'canvas-created', 'click', 'app-installed'] as const;

export type SendEventName = (typeof SEND_EVENTS)[number];

export const isSendEvent = (name: string): name is SendEventName => (SEND_EVENTS as readonly string[]).includes(name);

/** The body of `POST /sandbox/send`. */
export interface SendRequest {
  event: string;
  /** An entry's display id (`EXP…`) or id; default the sandbox's first entry. */
  entry?: string;
  /** For `click`: the canvas; default the newest canvas of the entry (or of any entry). */
  canvas?: string;
  /** For `click`: the button's id or its text (`Browse files`). */
  button?: string;
  /** The app's webhook base URL; default the one the sandbox was started with. */
  url?: string;
}

/** The reply of `POST /sandbox/send`: what was delivered where, and the service's answer. */
export interface SendReply {
  type: string;
  target: string;
  entry: { id: string; displayId: string } | undefined;
  canvasId: string | undefined;
  webhookId: string;
  status: number;
  body: unknown;
}

/** Where the sandbox's own calls live; the rest of its URL space is Benchling's API. */
export const CONTROL_PREFIX = '/sandbox';
