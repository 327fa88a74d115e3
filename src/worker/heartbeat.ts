import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The worker serves no HTTP, so its container health check reads a file instead: this file's
 * age. It is rewritten while the process's event loop turns and the worker loop runs; a
 * wedged process stops touching it and ECS replaces the task.
 */
export const HEARTBEAT_FILE_NAME = 'benchling-webhook-worker.alive';
export const HEARTBEAT_EVERY_MS = 10_000;
/** Older than this, the health check fails: three missed beats. */
export const HEARTBEAT_STALE_MS = 3 * HEARTBEAT_EVERY_MS;

/**
 * The container health check: node's own fs and os (no shell tools needed, the image's
 * tmpdir is the same as the worker's), exit 0 while the file is fresh.
 */
export const HEARTBEAT_CHECK_SCRIPT =
  `const f=require('path').join(require('os').tmpdir(),'${HEARTBEAT_FILE_NAME}');` +
  `try{process.exit(Date.now()-require('fs').statSync(f).mtimeMs<${HEARTBEAT_STALE_MS}?0:1)}catch{process.exit(1)}`;

export interface HeartbeatOptions {
  /** Default: the file above in os.tmpdir(). */
  path?: string;
  everyMs?: number;
  /** Beats only while this says the worker runs. */
  alive: () => boolean;
}

export interface Heartbeat {
  readonly path: string;
  stop(): Promise<void>;
}

export async function startHeartbeat(options: HeartbeatOptions): Promise<Heartbeat> {
  const path = options.path ?? join(tmpdir(), HEARTBEAT_FILE_NAME);
  // A failed beat only makes the check fail later, which is what a process that cannot write /tmp deserves.
  const beat = () => (options.alive() ? writeFile(path, String(Date.now())).catch(() => undefined) : Promise.resolve());
  await beat();
  const timer = setInterval(() => void beat(), options.everyMs ?? HEARTBEAT_EVERY_MS);
  timer.unref();
  return {
    path,
    stop: async () => {
      clearInterval(timer);
      await rm(path, { force: true });
    },
  };
}
