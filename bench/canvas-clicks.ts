/**
 * How fast a canvas answers a navigation click while exports run. The real `serve` composition
 * (service + worker, embedded queues) against the sandbox tenant: entry A is packaged and its
 * canvas drawn, then clicks alternate "Browse files" and "Back", each timed from the signed
 * webhook leaving until the canvas PATCH reaches the tenant. Two rounds, interleaved in one
 * process: the floor, with the worker idle; then under load, with A's own export and three
 * others held RUNNING in every export slot (WORKER_CONCURRENCY 4). Prints p50/p99 of each and
 * their ratio.
 *
 *   node --import tsx bench/canvas-clicks.ts [--clicks 50] [--floor-clicks 20] [--gap-ms 2000] [--rate-limit 60/30s]
 *
 * The gap keeps the clicks (two Benchling calls each) and the exports' task polls near the
 * default Benchling budget (BENCHLING_RATE_LIMIT 60/30s), which every call of the process
 * shares, first come first served: a click that finds the budget spent waits for it, whatever
 * the lanes. --rate-limit sets another budget, to tell that wait from the rest.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeButtonId } from '../src/canvas/button-id.ts';
import type { CanvasWrite } from '../src/sandbox/canvas-store.ts';
import { SandboxTenant } from '../src/sandbox/index.ts';
import { serveInProcess } from '../test/support/serve-in-process.ts';

const { values } = parseArgs({ options: { clicks: { type: 'string', default: '50' }, 'floor-clicks': { type: 'string', default: '20' }, 'gap-ms': { type: 'string', default: '2000' }, 'rate-limit': { type: 'string', default: '60/30s' } } });
const CLICKS = Number(values.clicks);
const FLOOR_CLICKS = Number(values['floor-clicks']);
const GAP_MS = Number(values['gap-ms']);

type Block = { type: string; id: string; children?: Block[] };
const flat = (blocks: Block[]): Block[] => blocks.flatMap((b) => [b, ...flat(b.children ?? [])]);
const blocksOf = (write: CanvasWrite | undefined): Block[] => ((write?.body as { blocks?: Block[] } | undefined)?.blocks ?? []);
const buttonOf = (write: CanvasWrite | undefined, action: string) =>
  flat(blocksOf(write)).find((b) => {
    const decoded = decodeButtonId(b.id);
    return b.type === 'BUTTON' && decoded.ok && decoded.button.action === action;
  })?.id;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const dirs = await Promise.all(['bw-bench-registry-', 'bw-bench-cfg-', 'bw-bench-data-'].map((prefix) => mkdtemp(join(tmpdir(), prefix))));
const [registry, config, data] = dirs as [string, string, string];
const sandbox = await new SandboxTenant({ rateLimit: false, exportTiming: { polls: 0 } }).start();
const tenant = sandbox.serviceEnv();
const running = await serveInProcess(
  { benchlingSecrets: tenant.BENCHLING_SECRETS, benchlingApiUrl: tenant.BENCHLING_API_URL, benchlingJwksUrl: tenant.BENCHLING_JWKS_URL, registry, entrySettle: '0.05s/1s', workerConcurrency: '4', logLevel: 'warn', benchlingRateLimit: values['rate-limit'] },
  { ...process.env, XDG_CONFIG_HOME: config, XDG_DATA_HOME: data },
);

try {
  const a = sandbox.addEntry({ name: 'Benchmarked canvas' });
  const canvas = sandbox.insertCanvas(a.id);
  await sandbox.sendWebhook(`${running.url}/canvas`, sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: a.id }));
  let shown = await until('the main view', () => sandbox.canvasWrites.find((w) => w.canvasId === canvas.id && w.status === 200 && buttonOf(w, 'browse') !== undefined && !JSON.stringify(blocksOf(w)).includes('Updating…')));

  /** One click on whatever navigation button the canvas shows now; ms until its PATCH reached the tenant. */
  const click = async (): Promise<number> => {
    const buttonId = buttonOf(shown, 'browse') ?? buttonOf(shown, 'back');
    if (buttonId === undefined) throw new Error(`the canvas shows no navigation button: ${JSON.stringify(blocksOf(shown))}`);
    const before = sandbox.canvasWrites.length;
    const sentAt = Date.now();
    await sandbox.sendWebhook(`${running.url}/canvas`, sandbox.envelopes.canvasUserInteracted({ canvasId: canvas.id, buttonId }));
    shown = await until('the PATCH', () => sandbox.canvasWrites.slice(before).find((w) => w.canvasId === canvas.id && w.method === 'PATCH' && w.status === 200));
    return shown.at - sentAt;
  };
  const round = async (n: number): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      times.push(await click());
      await sleep(GAP_MS);
    }
    process.stdout.write(`  in order: ${times.join(' ')}\n`);
    return times.sort((x, y) => x - y);
  };

  const floor = await round(FLOOR_CLICKS);
  const entries = [a.id, ...[1, 2, 3].map(() => sandbox.addEntry().id)];
  for (const id of entries) {
    sandbox.holdExports(id);
    await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryCreated(id));
  }
  await until('four exports RUNNING', () => (sandbox.heldExports === 4 ? true : undefined));
  const loaded = await round(CLICKS);
  const stillHeld = sandbox.heldExports;

  const line = (label: string, times: number[]) =>
    process.stdout.write(`${label.padEnd(52)} p50 ${String(percentile(times, 50)).padStart(5)} ms   p99 ${String(percentile(times, 99)).padStart(5)} ms   max ${String(times.at(-1)).padStart(5)} ms\n`);
  line(`floor: idle worker, ${floor.length} clicks`, floor);
  line(`4 exports RUNNING in all 4 export slots, ${loaded.length} clicks`, loaded);
  process.stdout.write(`ratio p50 ${(percentile(loaded, 50) / percentile(floor, 50)).toFixed(2)}x   p99 ${(percentile(loaded, 99) / percentile(floor, 99)).toFixed(2)}x   (exports still RUNNING at the end: ${stillHeld})\n`);
} finally {
  sandbox.releaseExports();
  await running.stop();
  await sandbox.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}
