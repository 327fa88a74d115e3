// bench/ingress: `serve` under autocannon with correctly signed 2 KB events, beside a floor
// measured in the same run (plain node:http + one ECDSA verify + JSON.parse).
// Run: node --import tsx bench/ingress.ts [--duration 10] [--connections 10]   (BENCH_PIN=1 to pin)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon, { type Result } from 'autocannon';
import { SandboxTenant } from '../src/sandbox/index.ts';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' } } });
const duration = Number(values.duration);
const connections = Number(values.connections);
const BODY_BYTES = 2048;

// BENCH_PIN=1: each server pinned to core 0 and the load generator to core 1, as in the
// reference measurement. Unpinned (the default), servers may use both cores, which matters
// for serve: its journal flushes run on libuv's thread pool.
const PIN = process.env.BENCH_PIN === '1' && existsSync('/usr/bin/taskset') && cpus().length >= 2;
if (PIN) spawnSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });

function start(args: string[], env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const command = PIN ? ['taskset', '-c', '0', process.execPath] : [process.execPath];
  const child = spawn(command[0]!, [...command.slice(1), '--import', 'tsx', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve({ url: match[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

/** Distinct, validly signed events (distinct entries, so nothing coalesces or dedups). */
function signedEvents(sandbox: SandboxTenant, count: number) {
  return Array.from({ length: count }, (_, i) => {
    const envelope = sandbox.envelopes.entryCreated(`etr_bench${i}`) as unknown as Record<string, unknown>;
    const bare = JSON.stringify(envelope);
    const body = JSON.stringify({ ...envelope, padding: 'x'.repeat(Math.max(0, BODY_BYTES - bare.length - 14)) });
    return { body, headers: { 'content-type': 'application/json', ...sandbox.signWebhook(body) } as Record<string, string> };
  });
}

async function load(url: string, events: ReturnType<typeof signedEvents>): Promise<Result> {
  let next = 0;
  const request = (path: string) => ({
    method: 'POST',
    path,
    setupRequest: (req: object) => ({ ...req, ...events[next++ % events.length]! }),
  });
  await autocannon({ url, connections, duration: 2, requests: [request('/event')] });
  return autocannon({ url, connections, duration, requests: [request('/event')] });
}

const sandbox = await new SandboxTenant({ rateLimit: false }).start();
const events = signedEvents(sandbox, 80_000);
const floor = await start(['bench/support/floor-server.ts', sandbox.jwksUrl], {});
const floorResult = await load(floor.url, events);
floor.child.kill();

const env = {
  ...sandbox.serviceEnv(),
  XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-bench-')),
  XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-bench-data-')),
  REGISTRY: await mkdtemp(join(tmpdir(), 'bw-bench-reg-')),
};
const serve = await start(['bin/benchling-webhook.js', 'serve', '--host', '127.0.0.1', '--port', '0'], env);
const serveResult = await load(serve.url, events.slice(40_000).concat(events.slice(0, 40_000)));
serve.child.kill('SIGTERM');
await sandbox.stop();

const line = (name: string, r: Result) =>
  `${name.padEnd(6)} ${r.requests.average.toFixed(0).padStart(7)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  non-2xx ${r.non2xx}  errors ${r.errors}`;
const ratio = serveResult.requests.average / floorResult.requests.average;
process.stdout.write(
  [
    `bench/ingress: ${connections} connections, ${duration} s, ${BODY_BYTES}-byte signed events, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}${PIN ? ', servers pinned to core 0, load to core 1' : ''}`,
    line('floor', floorResult),
    line('serve', serveResult),
    `ratio serve/floor = ${ratio.toFixed(2)} (target >= 0.80); serve p99 = ${serveResult.latency.p99} ms (target <= 10 ms)`,
    '',
  ].join('\n'),
);
process.exit(0);
