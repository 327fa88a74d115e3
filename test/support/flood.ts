import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./flood-child.ts', import.meta.url));

export interface FloodRequest {
  body: string;
  headers: Record<string, string>;
}

export interface FloodJob {
  /** Where every request is POSTed. */
  url: string;
  /** Date.now() at which the senders stop. */
  until: number;
  senders: number;
  /** Each sender's pause after each answer. */
  pauseMs: number;
  /** Sent in turn, over and over. */
  requests: FloodRequest[];
}

export interface Flooder {
  /** Resolves with every status (0 for a request that failed). */
  run(job: FloodJob): Promise<number[]>;
}

/**
 * A request flood from a child process, loaded before it is used: the attacker gets its own
 * event loop, so a test's /health probes (attack-watch.ts), taken in the test's process, time
 * the service and not the attacker; and its start-up is over before the watching begins.
 */
export async function startFlooder(): Promise<Flooder> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.startsWith('ready\n')) return;
      child.stdout.off('data', onData);
      out = out.slice('ready\n'.length);
      resolve();
    };
    child.stdout.on('data', onData);
    void exited.then((code) => reject(new Error(`the flood exited with ${code} before it was ready`)));
  });
  return {
    async run(job) {
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stdin.end(`${JSON.stringify(job)}\n`);
      const code = await exited;
      if (code !== 0) throw new Error(`the flood exited with ${code}`);
      return JSON.parse(out) as number[];
    },
  };
}
