import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.ts';
import { tempDirs } from './temp-dirs.ts';

const dirs = tempDirs();
after(() => dirs.removeAll());

const CHILD = fileURLToPath(new URL('./enqueue-child.ts', import.meta.url));

/** Runs the child until it has printed `killAfter` job ids, then SIGKILLs it; returns those ids. */
async function enqueueAndKill(dir: string, tag: string, killAfter: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, tag], { stdio: ['ignore', 'pipe', 'inherit'] });
  const printed: string[] = [];
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'ready' || line === 'done') continue;
      printed.push(line);
      if (printed.length === killAfter) child.kill('SIGKILL');
    }
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, sig) => resolve(sig)));
  assert.equal(signal, 'SIGKILL', `the child finished before it was killed (printed ${printed.length})`);
  return printed;
}

test('every job answered before a SIGKILL is delivered after reopening', async () => {
  const dir = await dirs.make();
  for (const [round, killAfter] of [3, 77, 160, 199].entries()) {
    const promised = await enqueueAndKill(dir, `round${round}`, killAfter);
    assert.ok(promised.length >= killAfter);
    const queue = await EmbeddedQueue.open(dir);
    const delivered = new Set<string>();
    for (;;) {
      const leases = await queue.receive({ max: 100 });
      if (leases.length === 0) break;
      for (const lease of leases) delivered.add(lease.jobId);
      await Promise.all(leases.map((lease) => lease.ack()));
    }
    await queue.close();
    const lost = promised.filter((jobId) => !delivered.has(jobId));
    assert.deepEqual(lost, [], `round ${round}: ${lost.length} of ${promised.length} promised jobs lost`);
  }
});
