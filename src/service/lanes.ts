import { MessageType, normaliseMessageType } from '../benchling/webhook-envelope.ts';
import { decodeButtonId } from '../canvas/button-id.ts';
import { decodeEarlierButtonId } from '../canvas/earlier-button-id.ts';
import type { Job } from '../jobs/job.ts';
import type { JobSink } from './webhook-core.ts';

/**
 * Two lanes lead to the worker. The entry lane carries everything that packages (entry events,
 * a new canvas, an Update click), one entry's jobs in order. The interactive lane carries the
 * clicks that only move around a canvas (browse, pages, metadata, back): they read what the
 * registry already holds, so they need not wait for any export, and the worker keeps slots
 * for them that exports never take. docs/architecture.md, "The interactive lane", says why.
 */
export type Lane = 'entry' | 'interactive';

/** A click whose button only navigates. An unknown button is answered there too: it shows "not recognised", and never exports. */
export function isNavigationClick(job: Job): boolean {
  if (job.kind !== 'canvas' || normaliseMessageType(job.messageType) !== MessageType.canvasUserInteracted) return false;
  const ours = decodeButtonId(job.buttonId);
  if (ours.ok) return ours.button.action !== 'update';
  const earlier = decodeEarlierButtonId(job.buttonId);
  return !(earlier.ok && earlier.button.action === 'update');
}

export function laneOf(job: Job): Lane {
  return isNavigationClick(job) ? 'interactive' : 'entry';
}

/** One sink for the service: each job to its lane's queue; ready only when both lanes can take jobs. */
export function laneSink(lanes: Record<Lane, JobSink>): JobSink {
  return {
    enqueue: (job) => lanes[laneOf(job.body)].enqueue(job),
    check: async () => {
      const entry = await lanes.entry.check();
      if (!entry.ok || lanes.interactive === lanes.entry) return entry;
      const interactive = await lanes.interactive.check();
      return interactive.ok ? interactive : { ok: false, reason: `interactive queue: ${interactive.reason}` };
    },
  };
}
