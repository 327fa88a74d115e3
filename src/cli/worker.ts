import type { WorkerOptions } from './commands/worker.ts';
import { println, type CliIo } from './io.ts';
import { openRuntime, waitForSignal } from './runtime.ts';

/** `worker`: only the packaging worker — the second container on AWS. */
export async function worker(options: WorkerOptions, io: CliIo, until: Promise<unknown> = waitForSignal()): Promise<number> {
  const runtime = await openRuntime('worker', options, io);
  if (typeof runtime === 'number') return runtime;
  const [{ startWorker }, { startHeartbeat }] = await Promise.all([import('./start-worker.ts'), import('../worker/heartbeat.ts')]);
  const loop = await startWorker(runtime, io);
  // A job stuck past its deadline stops the beats, and a job abandoned at its deadline whose call
  // is still pending is named in them: either fails the check, and ECS then replaces the task.
  const heartbeat = await startHeartbeat({ alive: () => loop.isHealthy, hung: () => loop.hungJobs });
  runtime.log.info({ queue: runtime.settings.queue, registry: runtime.settings.registry }, 'benchling-webhook worker running');
  println(io.stdout, 'worker running');
  const signal = await until;
  runtime.log.info({ signal }, 'shutting down');
  await heartbeat.stop();
  // Gives back the jobs still running, so another task takes them now, not when their lease lapses.
  await loop.stop();
  await runtime.close();
  return 0;
}
