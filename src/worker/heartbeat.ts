import { rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEARTBEAT_EVERY_MS, HEARTBEAT_FILE_NAME, type HeartbeatState, type HungJob } from '../config/worker-health-check.ts';

export interface HeartbeatOptions {
  /** Default: the file above in os.tmpdir(). */
  path?: string;
  everyMs?: number;
  /** Beats only while this says the worker runs. */
  alive: () => boolean;
  /** Jobs abandoned at their deadline whose call is still pending: each beat names them, and the check fails while there are any. */
  hung?: () => readonly HungJob[];
}

export interface Heartbeat {
  readonly path: string;
  stop(): Promise<void>;
}

export async function startHeartbeat(options: HeartbeatOptions): Promise<Heartbeat> {
  const path = options.path ?? join(tmpdir(), HEARTBEAT_FILE_NAME);
  const staging = `${path}.next`;
  const write = async () => {
    const state: HeartbeatState = { at: Date.now(), hung: [...(options.hung?.() ?? [])] };
    // Written aside and renamed over: a check never reads a half-written file as "no hung jobs".
    await writeFile(staging, JSON.stringify(state));
    await rename(staging, path);
  };
  // A failed beat only makes the check fail later, which is what a process that cannot write /tmp deserves.
  let last: Promise<void> = Promise.resolve();
  const beat = () => (last = options.alive() ? write().catch(() => undefined) : Promise.resolve());
  await beat();
  const timer = setInterval(() => void beat(), options.everyMs ?? HEARTBEAT_EVERY_MS);
  timer.unref();
  return {
    path,
    stop: async () => {
      clearInterval(timer);
      // A beat still writing would put the file back after it was removed.
      await last;
      await rm(path, { force: true });
      await rm(staging, { force: true });
    },
  };
}
