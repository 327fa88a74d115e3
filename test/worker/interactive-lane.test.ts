import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeButtonId } from '../../src/canvas/button-id.ts';
import { parseCanvasState } from '../../src/canvas/state.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import type { CanvasWrite } from '../../src/sandbox/canvas-store.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { serveInProcess, type ServeInProcess } from '../support/serve-in-process.ts';

/**
 * Canvas navigation through the real `serve` composition while every export slot is busy:
 * the entry's own export and three others are held RUNNING by the sandbox tenant, and a click
 * must still reach the tenant as a PATCH of the canvas, since it waits in its own lane.
 */

type Block = { type: string; id: string; value?: string; children?: Block[] };

let sandbox: SandboxTenant;
let running: ServeInProcess;
/** Entry A's canvas in the test that holds the exports; the Update test clicks it next. */
let heldCanvas: { entryId: string; canvasId: string; main: CanvasWrite } | undefined;
const saved = { ...process.env };

/** Generous for a loaded test machine; the measured figure (bench/canvas-clicks.ts) is far lower. */
const CLICK_BOUND_MS = 3000;

const blocksOf = (write: CanvasWrite | undefined): Block[] => ((write?.body as { blocks?: Block[] } | undefined)?.blocks ?? []);
const flat = (blocks: Block[]): Block[] => blocks.flatMap((b) => [b, ...flat(b.children ?? [])]);
const markdown = (write: CanvasWrite | undefined) => flat(blocksOf(write)).map((b) => b.value ?? '').join('\n');
const buttonOf = (write: CanvasWrite | undefined, action: string) =>
  flat(blocksOf(write)).find((b) => b.type === 'BUTTON' && decodeButtonId(b.id).ok && (decodeButtonId(b.id) as { button: { action: string } }).button.action === action)?.id;

async function until<T>(what: string, probe: () => T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

before(async () => {
  sandbox = await new SandboxTenant({ rateLimit: false, exportTiming: { polls: 0 } }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  const registry = await mkdtemp(join(tmpdir(), 'bw-registry-'));
  const env = { ...process.env, XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-cfg-')), XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-data-')) };
  const service = sandbox.serviceEnv();
  running = await serveInProcess(
    {
      benchlingSecrets: service.BENCHLING_SECRETS,
      benchlingApiUrl: service.BENCHLING_API_URL,
      benchlingJwksUrl: service.BENCHLING_JWKS_URL,
      registry,
      entrySettle: '0.05s/1s',
      workerConcurrency: '4',
      // Every Benchling call of the process shares this budget first come, first served; the
      // tenant here has none, and these tests are about the queues, not about that budget.
      benchlingRateLimit: '6000/30s',
    },
    env,
  );
});

after(async () => {
  // Held exports end, so the worker's slots are free to stop.
  sandbox?.releaseExports();
  await running?.stop();
  await sandbox?.stop();
  process.env = saved;
});

/** Entry A packaged and its canvas showing the main view; the canvas id and that view's write. */
async function drawnCanvas(): Promise<{ entryId: string; canvasId: string; main: CanvasWrite }> {
  const entry = sandbox.addEntry({ name: 'Clicked while exporting' });
  const canvas = sandbox.insertCanvas(entry.id);
  await sandbox.sendWebhook(`${running.url}/canvas`, sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: entry.id }));
  const main = await until('the main view', () =>
    sandbox.canvasWrites.find((w) => w.canvasId === canvas.id && w.status === 200 && buttonOf(w, 'browse') !== undefined && !markdown(w).includes('Updating…')),
  );
  return { entryId: entry.id, canvasId: canvas.id, main };
}

// First, while the export slots are free: the next test fills them until the end.
test('a click answered while the entry’s export writes a newer revision does not leave the older revision on the canvas', async () => {
  const b = await drawnCanvas();
  const revisionOf = (write: CanvasWrite) => parseCanvasState((write.body as { data?: string }).data)?.package?.topHash;
  const first = revisionOf(b.main);
  assert.ok(first);
  // The click's write is held back long enough for an edit of the entry to be packaged and drawn first.
  sandbox.delayNext('PATCH /api/v2/app-canvases/{id}', 1500);
  await sandbox.sendWebhook(`${running.url}/canvas`, sandbox.envelopes.canvasUserInteracted({ canvasId: b.canvasId, buttonId: buttonOf(b.main, 'browse')! }));
  await until('the click to reach the tenant', () => sandbox.requests('PATCH /api/v2/app-canvases/{id}').find((r) => r.fault === 'delayed'));
  sandbox.updateEntry(b.entryId, { name: 'Renamed while browsing' });
  await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryUpdatedFields(b.entryId, ['name']));
  const writes = () => sandbox.canvasWrites.filter((w) => w.canvasId === b.canvasId && w.status === 200);
  // The newer revision drawn, then the delayed click (older revision) over it, then the click drawn again.
  const settled = await until('the click drawn again from the newer revision', () => {
    const list = writes();
    const newer = list.findIndex((w) => revisionOf(w) !== undefined && revisionOf(w) !== first);
    const stale = list.findIndex((w, i) => i > newer && newer >= 0 && revisionOf(w) === first);
    const redrawn = list.findIndex((w, i) => i > stale && stale >= 0 && revisionOf(w) === revisionOf(list[newer]!));
    return redrawn >= 0 ? { newer: revisionOf(list[newer]!), last: list.at(-1)! } : undefined;
  });
  assert.equal(revisionOf(settled.last), settled.newer);
  assert.ok(buttonOf(settled.last, 'back'), 'still the file browser the user asked for');
  assert.equal(parseCanvasState(sandbox.canvas(b.canvasId)?.data)?.package?.topHash, settled.newer);
});

test('a navigation click is answered while the entry’s own export and three others are RUNNING in every export slot', async () => {
  const a = await drawnCanvas();
  heldCanvas = a;
  const others = [sandbox.addEntry(), sandbox.addEntry(), sandbox.addEntry()];
  for (const id of [a.entryId, ...others.map((e) => e.id)]) {
    sandbox.holdExports(id);
    assert.equal((await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryCreated(id))).status, 202);
  }
  // Four export slots, each holding a RUNNING export: A's own and three others.
  await until('four held exports', () => (sandbox.heldExports === 4 ? true : undefined));

  const clicks: [string, string][] = [
    ['browse', buttonOf(a.main, 'browse')!],
    ['metadata', buttonOf(a.main, 'metadata')!],
  ];
  for (const [action, buttonId] of clicks) {
    assert.ok(buttonId, `the main view has a ${action} button`);
    const writesBefore = sandbox.canvasWrites.length;
    const sentAt = Date.now();
    const sent = await sandbox.sendWebhook(`${running.url}/canvas`, sandbox.envelopes.canvasUserInteracted({ canvasId: a.canvasId, buttonId }));
    assert.equal(sent.status, 202);
    const patch = await until(`the PATCH for ${action}`, () => sandbox.canvasWrites.slice(writesBefore).find((w) => w.canvasId === a.canvasId && w.method === 'PATCH' && w.status === 200), CLICK_BOUND_MS);
    assert.ok(patch.at - sentAt < CLICK_BOUND_MS, `${action} answered after ${patch.at - sentAt} ms`);
    assert.equal(sandbox.heldExports, 4, 'the exports were still RUNNING when the click was answered');
    assert.ok(!markdown(patch).includes('Updating…'), markdown(patch));
  }
  const back = buttonOf(sandbox.canvasWrites.at(-1), 'back');
  assert.ok(back, 'the metadata view has a back button');
  const writesBefore = sandbox.canvasWrites.length;
  await sandbox.sendWebhook(`${running.url}/canvas`, sandbox.envelopes.canvasUserInteracted({ canvasId: a.canvasId, buttonId: back }));
  const main = await until('the main view again', () => sandbox.canvasWrites.slice(writesBefore).find((w) => w.canvasId === a.canvasId && w.status === 200), CLICK_BOUND_MS);
  assert.ok(buttonOf(main, 'update'), 'back shows the main view');
  assert.equal(sandbox.heldExports, 4);
});

test('an Update click shows "Updating…" at once behind the running export, and its export runs in the entry’s queue after it', async () => {
  // The canvas of entry A, whose export the test before holds RUNNING.
  const { canvasId } = heldCanvas!;
  const exportsOf = () => sandbox.requests('POST /api/v2/exports').length;
  const exportsBefore = exportsOf();
  const writesBefore = sandbox.canvasWrites.length;
  const update = buttonOf(heldCanvas!.main, 'update');
  assert.ok(update);
  const sentAt = Date.now();
  await sandbox.sendWebhook(`${running.url}/canvas`, sandbox.envelopes.canvasUserInteracted({ canvasId, buttonId: update }));
  const updating = await until('"Updating…"', () => sandbox.canvasWrites.slice(writesBefore).find((w) => w.canvasId === canvasId && w.status === 200), CLICK_BOUND_MS);
  assert.ok(updating.at - sentAt < CLICK_BOUND_MS, `"Updating…" after ${updating.at - sentAt} ms`);
  assert.ok(markdown(updating).includes('Updating…'), markdown(updating));
  // The export waits in the entry's queue behind the one RUNNING: it has not started in a click slot.
  await until('the click job done', () => running.logs.find((l) => l.msg === 'job done' && l.lane === 'interactive' && l.group === canvasId && (l.time as number) >= sentAt));
  assert.equal(exportsOf(), exportsBefore);
  assert.equal(sandbox.heldExports, 4);
  sandbox.releaseExports();
  // Released, A's first export ends; then its queue runs the update's export, whose main view comes last.
  const updateExport = await until('the update’s export', () => sandbox.requests('POST /api/v2/exports').slice(exportsBefore).at(0), 20_000);
  await until('the main view after the update’s export', () => {
    const last = sandbox.canvasWrites.filter((w) => w.canvasId === canvasId && w.status === 200).at(-1);
    return last !== undefined && last.at > updateExport.at && buttonOf(last, 'browse') !== undefined && !markdown(last).includes('Updating…') ? last : undefined;
  }, 20_000);
});
