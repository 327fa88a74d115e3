import { HttpError } from '../benchling-errors.ts';
import type { CanvasBlock } from '../canvas-schema.ts';
import type { SandboxCanvas } from '../canvas-store.ts';
import type { SandboxEntry } from '../entry-model.ts';
import type { WebhookEnvelope } from '../envelopes.ts';
import type { SandboxTenant } from '../sandbox-tenant.ts';
import { isSendEvent, SEND_EVENTS, type SendRequest } from './send-events.ts';

/** Benchling's "Suffixed" routing: which path under the app's webhook URL a message goes to. */
export type WebhookSuffix = 'event' | 'canvas' | 'lifecycle';

export interface DeliveryPlan {
  envelope: WebhookEnvelope;
  suffix: WebhookSuffix;
  entry: SandboxEntry | undefined;
  canvasId: string | undefined;
}

const conflict = (message: string) => new HttpError(409, message);

/**
 * Turns a send request into the envelope Benchling would deliver, acting as the user would
 * first where Benchling needs it (inserting the canvas for `canvas-created`, editing the entry
 * for `entry-updated`). Refuses what Benchling could not send: an entry or canvas this tenant
 * does not have, a button the canvas does not show or shows disabled.
 */
export function planDelivery(tenant: SandboxTenant, request: SendRequest): DeliveryPlan {
  const event = request.event;
  if (!isSendEvent(event)) throw new HttpError(400, `unknown event "${event}": one of ${SEND_EVENTS.join(', ')}`);
  const envelopes = tenant.envelopes;
  switch (event) {
    case 'app-installed':
      return { envelope: envelopes.appInstalled(), suffix: 'lifecycle', entry: undefined, canvasId: undefined };
    case 'entry-created': {
      const entry = findEntry(tenant, request.entry);
      return { envelope: envelopes.entryCreated(entry.id), suffix: 'event', entry, canvasId: undefined };
    }
    case 'entry-updated': {
      const entry = tenant.updateEntry(findEntry(tenant, request.entry).id, {});
      return { envelope: envelopes.entryUpdatedFields(entry.id, []), suffix: 'event', entry, canvasId: undefined };
    }
    case 'canvas-initialized': {
      const entry = findEntry(tenant, request.entry);
      return { envelope: envelopes.canvasInitialized({ resourceId: entry.id }), suffix: 'canvas', entry, canvasId: undefined };
    }
    case 'canvas-created': {
      const entry = findEntry(tenant, request.entry);
      const canvas = tenant.insertCanvas(entry.id);
      return { envelope: envelopes.canvasCreated({ canvasId: canvas.id, resourceId: entry.id }), suffix: 'canvas', entry, canvasId: canvas.id };
    }
    case 'click':
      return planClick(tenant, request);
  }
}

function planClick(tenant: SandboxTenant, request: SendRequest): DeliveryPlan {
  if (!request.button) throw new HttpError(400, 'click needs a button: its text (e.g. "Browse files") or its id');
  const entry = request.entry === undefined ? undefined : findEntry(tenant, request.entry);
  const canvas = findCanvas(tenant, request.canvas, entry);
  const button = findButton(canvas, request.button);
  if (!canvas.enabled || button.enabled === false) {
    throw conflict(`the button "${button.text}" is disabled right now (the app is updating the canvas): try again in a moment`);
  }
  const envelope = tenant.envelopes.canvasUserInteracted({ canvasId: canvas.id, buttonId: button.id });
  return { envelope, suffix: 'canvas', entry: tenant.entry(canvas.resourceId), canvasId: canvas.id };
}

function describeEntries(tenant: SandboxTenant): string {
  return tenant.entries.map((e) => `${e.displayId} (${e.name})`).join(', ') || 'none';
}

/** By display id (any case) or id; none given: the first entry, which is the demo entry. */
export function findEntry(tenant: SandboxTenant, wanted: string | undefined): SandboxEntry {
  const entries = tenant.entries;
  const entry = wanted === undefined ? entries[0] : entries.find((e) => e.id === wanted || e.displayId.toLowerCase() === wanted.toLowerCase());
  if (entry) return entry;
  const what = wanted === undefined ? 'the sandbox has no entries' : `no entry ${wanted} in the sandbox`;
  throw new HttpError(404, `${what}; its entries: ${describeEntries(tenant)}`);
}

function findCanvas(tenant: SandboxTenant, wanted: string | undefined, entry: SandboxEntry | undefined): SandboxCanvas {
  const ours = tenant.canvases.filter((c) => c.app.id === tenant.appId && (entry === undefined || c.resourceId === entry.id));
  const canvas = wanted === undefined ? ours.at(-1) : ours.find((c) => c.id === wanted);
  if (canvas) return canvas;
  if (wanted !== undefined) throw new HttpError(404, `no canvas ${wanted} of this app${entry ? ` in ${entry.displayId}` : ''}`);
  const where = entry ? ` in ${entry.displayId}` : '';
  throw conflict(`no canvas of this app${where} yet: send canvas-initialized (the app creates one) or canvas-created first`);
}

interface ButtonChoice {
  id: string;
  text: string;
  enabled: boolean | null | undefined;
}

function buttonsOf(blocks: readonly CanvasBlock[]): ButtonChoice[] {
  return blocks.flatMap((block): ButtonChoice[] => {
    if (block.type === 'BUTTON') return [{ id: block.id, text: block.text, enabled: block.enabled }];
    if (block.type === 'SECTION') return buttonsOf(block.children);
    return [];
  });
}

/** By id exactly, else by its text, ignoring case. */
function findButton(canvas: SandboxCanvas, wanted: string): ButtonChoice {
  const buttons = buttonsOf(canvas.blocks);
  const button = buttons.find((b) => b.id === wanted) ?? buttons.find((b) => b.text.toLowerCase() === wanted.toLowerCase());
  if (button) return button;
  const shown = buttons.map((b) => `"${b.text}"`).join(', ') || 'no buttons';
  throw new HttpError(404, `canvas ${canvas.id} shows no button "${wanted}"; it shows ${shown}`);
}
