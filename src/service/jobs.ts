import { BENCHLING_ID_RULE, isBenchlingId } from '../benchling/benchling-id.ts';
import { decodeButtonId } from '../canvas/button-id.ts';
import { decodeEarlierButtonId } from '../canvas/earlier-button-id.ts';
import type { CanvasJob, EntryJob, Job } from '../jobs/job.ts';
import type { NewJob } from '../queue/queue.ts';
import { isCanvasClick } from './lanes.ts';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Jobs of one entry are serialised (SQS MessageGroupId), since entry and canvas events for
 * the same entry race. Entry events coalesce, and wait for the entry's edits to settle
 * (ENTRY_SETTLE): the worker re-reads the entry anyway. Canvas events do neither, so a
 * canvas shows "Updating…" at once. A click is grouped by its canvas instead (see lanes.ts): it
 * packages nothing itself (an Update click hands its packaging to the entry's group), so it
 * need not wait for the entry's jobs, while one canvas's clicks are answered in order.
 */
export function jobForMessage(
  category: 'entry' | 'canvas',
  message: Record<string, unknown>,
  webhookId: string,
  now: Date,
  appId?: string,
): NewJob<Job> | { invalid: string } {
  const messageType = String(message.type);
  const receivedAt = now.toISOString();
  if (category === 'entry') {
    const entryId = text(message.resourceId);
    if (!entryId) return { invalid: `${messageType} has no resourceId` };
    const body: EntryJob = { kind: 'entry', entryId, messageType, webhookId, receivedAt };
    return { groupId: entryId, dedupId: webhookId, body, coalesce: true };
  }
  const canvas: CanvasJob = { kind: 'canvas', messageType, webhookId, receivedAt };
  for (const key of ['canvasId', 'resourceId', 'featureId', 'buttonId', 'userId'] as const) {
    const value = text(message[key]);
    if (value) canvas[key] = value;
  }
  if (appId) canvas.appId = appId;
  if (!buttonTargetsAnId(canvas.buttonId)) return { invalid: `${messageType} has a buttonId whose entry is not a Benchling id (${BENCHLING_ID_RULE})` };
  const groupId = isCanvasClick(canvas) ? (canvas.canvasId ?? canvas.resourceId) : (canvas.resourceId ?? canvas.canvasId);
  if (!groupId) return { invalid: `${messageType} has neither resourceId nor canvasId` };
  return { groupId, dedupId: webhookId, body: canvas };
}

/**
 * A button id of ours, or one the earlier app drew, names the entry it acts on, and only a
 * real entry id can have been written into one. Any other button id is left to the worker,
 * which shows "not recognised".
 */
function buttonTargetsAnId(buttonId: string | undefined): boolean {
  const decoded = decodeButtonId(buttonId);
  if (decoded.ok) return isBenchlingId(decoded.button.entryId);
  const earlier = decodeEarlierButtonId(buttonId);
  return !earlier.ok || isBenchlingId(earlier.button.entryId);
}
