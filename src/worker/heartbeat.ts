import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEARTBEAT_EVERY_MS, HEARTBEAT_FILE_NAME } from '../config/worker-health-check.ts';

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
