import type { HungJob } from '../config/worker-health-check.ts';
import type { WorkerLoop } from './worker-loop.ts';

/** One lane's loop, whatever the bodies it takes (jobs of the service, or events of another system). */
export type WorkerLane = Pick<WorkerLoop, 'start' | 'stop' | 'isRunning' | 'isHealthy' | 'hungJobs'>;

/**
 * Slots the interactive lane keeps for itself: a click is answered in well under a second, so
 * two slots serve many users clicking at once, and a click never waits for an export slot.
 */
export const INTERACTIVE_SLOTS = 2;

/** The worker's loops, one per lane, started, watched and stopped as one. */
export class WorkerLanes {
  constructor(private readonly loops: readonly WorkerLane[]) {}

  start(): void {
    for (const loop of this.loops) loop.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.loops.map((loop) => loop.stop()));
  }

  get isRunning(): boolean {
    return this.loops.every((loop) => loop.isRunning);
  }

  /** Healthy while every lane is: a stuck click slot is as much a failure as a stuck export. */
  get isHealthy(): boolean {
    return this.loops.every((loop) => loop.isHealthy);
  }

  /** Every lane's jobs abandoned at their deadline with their call still pending. */
  get hungJobs(): HungJob[] {
    return this.loops.flatMap((loop) => loop.hungJobs);
  }
}
