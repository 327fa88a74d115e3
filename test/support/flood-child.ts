/**
 * The sending side of a request flood, in a process of its own (see flood.ts): says `ready`
 * once loaded, then reads one job as a JSON line from stdin, posts until its deadline, and
 * writes the statuses it got as JSON.
 */
import { createInterface } from 'node:readline';
import type { FloodJob } from './flood.ts';

process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
const job = JSON.parse(await new Promise<string>((resolve) => lines.once('line', resolve))) as FloodJob;
lines.close();

const statuses: number[] = [];
let next = 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Spread over the pause, as independent clients would be, not fired in lock-step bursts.
async function sender(i: number): Promise<void> {
  await sleep((job.pauseMs * i) / job.senders);
  while (Date.now() < job.until) {
    const { body, headers } = job.requests[next++ % job.requests.length]!;
    try {
      const response = await fetch(job.url, { method: 'POST', headers, body });
      await response.arrayBuffer();
      statuses.push(response.status);
    } catch {
      statuses.push(0);
    }
    if (job.pauseMs > 0) await sleep(job.pauseMs);
  }
}

await Promise.all(Array.from({ length: job.senders }, (_, i) => sender(i)));
process.stdout.write(`${JSON.stringify(statuses)}\n`);
