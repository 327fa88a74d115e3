import { MessageType, normaliseMessageType } from '../benchling/webhook-envelope.ts';
import type { Job } from '../jobs/job.ts';
import type { JobSink } from './webhook-core.ts';

/**
 * Two lanes lead to the worker. The entry lane carries everything that packages (entry events,
 * a new canvas, the packaging of an Update click), one entry's jobs in order. The interactive
 * lane carries canvas clicks, one canvas's clicks in order: navigation (browse, pages,
 * metadata, back) reads only what the registry already holds, so it need not wait for any
 * export; an Update click shows "Updating…" there at once and hands its packaging to the entry
 * lane. The worker keeps slots for the interactive lane that exports never take.
 * docs/architecture.md, "The interactive lane", says why.
 */
export type Lane = 'entry' | 'interactive';

/** A click as Benchling sent it: answered in the interactive lane, whatever its button. */
export function isCanvasClick(job: Job): boolean {
  return job.kind === 'canvas' && job.step === undefined && normaliseMessageType(job.messageType) === MessageType.canvasUserInteracted;
}

export function laneOf(job: Job): Lane {
  return isCanvasClick(job) ? 'interactive' : 'entry';
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
