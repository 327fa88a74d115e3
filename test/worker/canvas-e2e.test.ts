import type { Job } from '../../src/jobs/job.ts';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { decodeButtonId } from '../../src/canvas/button-id.ts';
import { entryMeta, packageMeta, type Manifest } from '../../src/quilt/manifest.ts';
import { writeManifest } from '../../src/quilt/manifest-writer.ts';
import { readLatest } from '../../src/quilt/read-package.ts';
import { latestPointerKey, manifestKey, revisionPointerKey } from '../../src/quilt/registry-layout.ts';
import { topHash } from '../../src/quilt/top-hash.ts';
import type { CanvasBlock } from '../../src/sandbox/canvas-schema.ts';
import type { CanvasWrite, SandboxCanvas } from '../../src/sandbox/canvas-store.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import type { WorkerLoop } from '../../src/worker/worker-loop.ts';
import { benchlingSpec } from '../support/openapi-spec.ts';
import { openServiceWorld, startWorldWorker, type ServiceWorld } from '../support/service-world.ts';

/**
 * The canvas through the sandbox tenant: the real service enqueues, the real worker loop runs
 * the packaging handler, and every canvas write is read back from the sandbox.
 */

interface Block {
  type: string;
  id: string;
  value?: string;
  text?: string;
  enabled?: boolean;
  children?: Block[];
}

const CATALOG = 'catalog.example.com';

let world: ServiceWorld;
let store: ObjectStore;
let worker: WorkerLoop<Job>;
const workerLogs: string[] = [];

const jobsFailed = () => workerLogs.filter((line) => line.includes('"msg":"job failed; it will be retried"')).length;

async function until<T>(what: string, probe: () => T | undefined | false, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const writesTo = (canvasId: string): CanvasWrite[] => world.sandbox.canvasWrites.filter((w) => w.canvasId === canvasId && w.status < 300);
const blocksOf = (write: CanvasWrite | undefined): Block[] => ((write?.body as { blocks?: Block[] } | undefined)?.blocks ?? []);
const markdown = (blocks: Block[]) => blocks.filter((b) => b.type === 'MARKDOWN').map((b) => b.value).join('\n');
const buttons = (blocks: Block[]): Block[] => blocks.flatMap((b) => (b.type === 'SECTION' ? (b.children ?? []) : b.type === 'BUTTON' ? [b] : []));

/** Which view the blocks are: the id of their first markdown block, plus "updating". */
function viewKind(blocks: Block[]): string {
  const first = blocks.find((b) => b.type === 'MARKDOWN')?.id ?? 'none';
  return first === 'main' && markdown(blocks).includes('Updating…') ? 'updating' : first;
}

async function send(path: string, envelope: object): Promise<void> {
  const sent = await world.sandbox.sendWebhook(`${world.service.url}/${path}`, envelope as never);
  assert.equal(sent.status, 202, `webhook ${path}`);
}

/** Until every queued job has run (and been acked or handed back for later). */
async function idle(ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const depth = await world.queue.depth();
    if (depth.waiting === 0 && depth.inFlight === 0) return;
    if (Date.now() > deadline) throw new Error(`queue still busy: ${JSON.stringify(depth)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Clicks a button as Benchling would and waits for the job to finish; the canvas as it is then. */
async function click(canvasId: string, buttonId: string): Promise<SandboxCanvas> {
  await idle();
  await send('canvas', world.sandbox.envelopes.canvasUserInteracted({ canvasId, buttonId }));
  await idle();
  return world.sandbox.canvas(canvasId)!;
}

/** A package another tool wrote straight into the registry (quilt3's layout, no help from us). */
async function writeForeignPackage(name: string, userMeta: Record<string, string>): Promise<void> {
  const body = 'x,y\n1,2\n';
  const manifest: Manifest = {
    meta: packageMeta({ userMeta, message: 'pushed by a notebook' }),
    entries: [{ logicalKey: 'results/run.csv', physicalKey: 's3://lab-bucket/run.csv', size: body.length, hash: { type: 'SHA256', value: 'a'.repeat(64) }, meta: entryMeta() }],
  };
  const hash = topHash(manifest);
  await store.putObject(manifestKey(hash), writeManifest(manifest));
  await store.putObject(revisionPointerKey(name, Math.floor(Date.now() / 1000)), hash);
  await store.putObject(latestPointerKey(name), `${hash}\n`);
}

before(async () => {
  world = await openServiceWorld();
  const registry = join(world.dir, 'registry');
  store = await openObjectStore(registry);
  worker = await startWorldWorker(world, store, workerLogs, { quiltCatalog: `https://${CATALOG}/` });
});

after(async () => {
  await worker?.stop();
  await world?.close();
});

describe('canvas lifecycle', () => {
  test('initialized: the canvas is created showing "Updating…" within 1 s, then the main view with the package link', async () => {
    const entry = world.sandbox.addEntry({ name: 'Initialized entry' });
    const sentAt = Date.now();
    const writesBefore = world.sandbox.canvasWrites.length;
    await send('canvas', world.sandbox.envelopes.canvasInitialized({ resourceId: entry.id }));
    const created = await until('the POST', () => world.sandbox.canvasWrites.slice(writesBefore).find((w) => w.method === 'POST'), 1000);
    assert.equal(created.status, 201);
    assert.ok(created.at - sentAt < 1000, `created after ${created.at - sentAt} ms`);
    assert.equal(viewKind(blocksOf(created)), 'updating');
    const canvasId = created.canvasId!;
    const main = await until('the main view', () => {
      const last = writesTo(canvasId).at(-1);
      return last !== undefined && viewKind(blocksOf(last)) === 'main' ? last : undefined;
    });
    const text = markdown(blocksOf(main));
    const name = `benchling/${entry.displayId}`;
    assert.ok(text.includes(`https://${CATALOG}/b/`), text);
    assert.ok(text.includes(`/packages/${name}`), text);
    assert.ok(text.includes('/redir/quilt%2Bs3%3A%2F%2F'), text);
    assert.ok(text.includes('Initialized entry'), text);
    assert.match(text, /Updated \d{4}-\d\d-\d\d \d\d:\d\d UTC · revision [0-9a-f]{12}/);
    assert.ok(await readLatest(store, name), 'the package exists');
    const state = JSON.parse(world.sandbox.canvas(canvasId)!.data!) as { package: { name: string } };
    assert.equal(state.package.name, name);
  });

  test('created: the inserted canvas is PATCHed with "Updating…" within 1 s, then the main view', async () => {
    const entry = world.sandbox.addEntry({ name: 'Created entry' });
    const canvas = world.sandbox.insertCanvas(entry.id);
    const sentAt = Date.now();
    await send('canvas', world.sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: entry.id }));
    const first = await until('the first PATCH', () => writesTo(canvas.id)[0], 1000);
    assert.equal(first.method, 'PATCH');
    assert.ok(first.at - sentAt < 1000);
    assert.equal(viewKind(blocksOf(first)), 'updating');
    const main = await until('the main view', () => writesTo(canvas.id).find((w) => viewKind(blocksOf(w)) === 'main'));
    assert.ok(markdown(blocksOf(main)).includes(`/packages/benchling/${entry.displayId}`));
  });

  test('an entry event redraws the canvases the worker has drawn for that entry', async () => {
    const entry = world.sandbox.addEntry({ name: 'Before the edit' });
    const canvas = world.sandbox.insertCanvas(entry.id);
    await send('canvas', world.sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: entry.id }));
    await idle();
    world.sandbox.updateEntry(entry.id, { name: 'After the edit' });
    await send('event', world.sandbox.envelopes.entryUpdatedFields(entry.id, ['name']));
    await idle();
    const last = writesTo(canvas.id).at(-1);
    assert.equal(viewKind(blocksOf(last)), 'main');
    assert.ok(markdown(blocksOf(last)).includes('After the edit'));
  });

  test('a failed canvas PATCH is logged and does not fail the job or lose the package', async () => {
    const entry = world.sandbox.addEntry();
    const canvas = world.sandbox.insertCanvas(entry.id);
    await idle();
    const failed = jobsFailed();
    world.sandbox.failNext(`PATCH /api/v2/app-canvases/${canvas.id}`, { status: 400, times: 1 });
    await send('canvas', world.sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: entry.id }));
    await idle();
    assert.equal(jobsFailed(), failed);
    assert.ok(await readLatest(store, `benchling/${entry.displayId}`));
    assert.equal(viewKind(blocksOf(writesTo(canvas.id).at(-1))), 'main');
    assert.ok(workerLogs.some((l) => l.includes('could not update the canvas')));
  });

  test('a failed packaging shows the error view on the canvas', async () => {
    const entry = world.sandbox.addEntry();
    const canvas = world.sandbox.insertCanvas(entry.id);
    await idle();
    const failed = jobsFailed();
    world.sandbox.failNextExport('disk full', 1);
    await send('canvas', world.sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: entry.id }));
    const error = await until('the error view', () => writesTo(canvas.id).find((w) => viewKind(blocksOf(w)) === 'error'));
    assert.ok(markdown(blocksOf(error)).includes('could not be exported'), markdown(blocksOf(error)));
    assert.ok(!markdown(blocksOf(error)).includes('disk full'));
    await until('the failed job to be handed back', () => jobsFailed() > failed);
    // The retry succeeds and draws the main view.
    await until('the main view after the retry', () => viewKind(blocksOf(writesTo(canvas.id).at(-1))) === 'main');
  });
});

describe('every button of every view', () => {
  test('clicking through gives the documented next views; 40 files browse as 3 pages; a foreign linked package shows up on update', async () => {
    const attachments: Record<string, string> = {};
    // With the rendered entry and the app's five documents (entry.json, entry_data.json, input.json, links.json, README.md): 40.
    for (let i = 1; i <= 34; i++) attachments[`data/run ${i}.csv`] = `run,${i}\n`;
    const entry = world.sandbox.addEntry({ name: 'Forty files', attachments });
    const canvas = world.sandbox.insertCanvas(entry.id);
    await send('canvas', world.sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: entry.id }));
    await until('the main view', () => viewKind(blocksOf(writesTo(canvas.id).at(-1))) === 'main');
    const own = `benchling/${entry.displayId}`;
    const fileCount = (await readLatest(store, own))!.manifest.entries.length;
    assert.equal(fileCount, 40, 'the fixture makes 40 files');

    // Another tool links a package; it appears on the next Update.
    const linked = `lab/${entry.displayId}-analysis`;
    await writeForeignPackage(linked, { experiment_id: entry.displayId });
    const updateId = buttons(world.sandbox.canvas(canvas.id)!.blocks as Block[]).find((b) => b.text === 'Update package')!.id;
    const beforeUpdate = writesTo(canvas.id).length;
    let now = await click(canvas.id, updateId);
    const updateWrites = writesTo(canvas.id).slice(beforeUpdate);
    assert.deepEqual(updateWrites.map((w) => viewKind(blocksOf(w))), ['updating', 'main']);
    assert.ok(markdown(now.blocks as Block[]).includes('Linked packages'));
    assert.ok(markdown(now.blocks as Block[]).includes(linked));

    // Breadth-first over every enabled button of every view reached.
    const exportsBefore = world.sandbox.count('POST /api/v2/exports');
    const seen = new Set<string>([updateId]);
    const frontier: string[] = buttons(now.blocks as Block[]).filter((b) => b.enabled !== false).map((b) => b.id);
    const pagesSeen = new Set<string>();
    let clicks = 0;
    let updates = 0;
    while (frontier.length > 0) {
      const id = frontier.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const decoded = decodeButtonId(id);
      assert.ok(decoded.ok, `${id} is one of ours`);
      const before = writesTo(canvas.id).length;
      now = await click(canvas.id, id);
      clicks += 1;
      const blocks = now.blocks as Block[];
      const text = markdown(blocks);
      const button = decoded.button;
      switch (button.action) {
        case 'browse': {
          assert.equal(viewKind(blocks), 'browse', id);
          assert.equal(text.includes('Files in linked package'), button.packageName !== undefined, text);
          if (button.packageName === undefined) {
            assert.ok(text.includes(`Page ${button.page + 1} of 3`), text);
            pagesSeen.add(String(button.page));
          }
          break;
        }
        case 'metadata':
          assert.equal(viewKind(blocks), 'metadata', id);
          assert.equal(text.includes('Metadata of linked package'), button.packageName !== undefined, text);
          assert.ok(text.includes(button.packageName === undefined ? entry.displayId : 'experiment'), text);
          break;
        case 'back':
          assert.equal(viewKind(blocks), 'main', id);
          assert.ok(text.includes(linked));
          break;
        case 'update':
          updates += 1;
          assert.deepEqual(writesTo(canvas.id).slice(before).map((w) => viewKind(blocksOf(w))), ['updating', 'main']);
          break;
      }
      for (const b of buttons(blocks)) if (b.enabled !== false && !seen.has(b.id)) frontier.push(b.id);
    }
    assert.deepEqual([...pagesSeen].sort(), ['0', '1', '2']);
    // Ids name their target, so a click means the same from any view: clicking each distinct id covers every button of every view.
    assert.equal(clicks, 7, 'browse p0/p1/p2, metadata, back, linked browse, linked metadata');
    assert.equal(world.sandbox.count('POST /api/v2/exports'), exportsBefore + updates, 'only Update exports');
  });

  test('unknown or malformed button ids give the error view, never an export', async () => {
    const entry = world.sandbox.addEntry();
    const canvas = world.sandbox.insertCanvas(entry.id);
    await send('canvas', world.sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: entry.id }));
    await until('the main view', () => viewKind(blocksOf(writesTo(canvas.id).at(-1))) === 'main');
    const other = world.sandbox.addEntry();
    const exportsBefore = world.sandbox.count('POST /api/v2/exports');
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    const bad = [
      'launch-' + entry.id,
      'q1',
      'q1.u',
      'q1.z.' + b64(entry.id),
      'q2.u.' + b64(entry.id),
      'q1.u.' + b64(entry.id) + '=',
      'q1.b.' + b64(entry.id) + '.01',
      'q1.b.' + b64(entry.id) + '.' + b64('not/linked') + '.0',
      'q1.u.' + b64(other.id),
      '',
    ];
    let errorBlocks: Block[] = [];
    for (const id of bad) {
      const after = await click(canvas.id, id);
      errorBlocks = after.blocks as Block[];
      assert.equal(viewKind(errorBlocks), 'error', id);
      assert.ok(markdown(errorBlocks).includes('What to do'), id);
    }
    assert.equal(world.sandbox.count('POST /api/v2/exports'), exportsBefore);

    // The error view's own buttons: Back redraws the main view; Update re-packages (one export).
    const byText = (text: string) => buttons(errorBlocks).find((b) => b.text === text)!.id;
    assert.equal(viewKind((await click(canvas.id, byText('Back to entry'))).blocks as Block[]), 'main');
    assert.equal(world.sandbox.count('POST /api/v2/exports'), exportsBefore);
    const before = writesTo(canvas.id).length;
    await click(canvas.id, byText('Update package'));
    assert.deepEqual(writesTo(canvas.id).slice(before).map((w) => viewKind(blocksOf(w))), ['updating', 'main']);
    assert.equal(world.sandbox.count('POST /api/v2/exports'), exportsBefore + 1);
  });
});

describe('canvases the earlier app drew', () => {
  /** The earlier app's main view of an entry (its layout and button ids), as it left the canvas. */
  function earlierBlocks(entryId: string, displayId: string, linked: string[]): CanvasBlock[] {
    return [
      {
        type: 'SECTION',
        id: 'button-section-main',
        children: [
          { type: 'BUTTON', id: `browse-files-${entryId}-p0-s15`, text: 'Browse Package', enabled: true },
          { type: 'BUTTON', id: `update-package-${entryId}`, text: 'Update Package', enabled: true },
        ],
      },
      { type: 'MARKDOWN', id: 'md1', value: `## ${displayId}` },
      {
        type: 'SECTION',
        id: 'button-section-linked-packages',
        children: linked.map((name) => ({ type: 'BUTTON' as const, id: `browse-linked-${entryId}-pkg-${name.replaceAll('/', '--')}-p0-s15`, text: name, enabled: true })),
      },
      { type: 'MARKDOWN', id: 'md-footer', value: '✅ *Updated at 2025-01-01 10:00 UTC*' },
    ];
  }

  test("a click on any of its buttons redraws the canvas in this app's view; only Update exports", async () => {
    const attachments: Record<string, string> = {};
    for (let i = 1; i <= 20; i++) attachments[`data/run ${i}.csv`] = `run,${i}\n`;
    const entry = world.sandbox.addEntry({ name: 'Drawn by the earlier app', attachments });
    // The entry was packaged before the switch; its package is where the earlier app put it.
    await idle();
    const sent = await world.sandbox.sendWebhook(`${world.service.url}/event`, world.sandbox.envelopes.entryCreated(entry.id));
    assert.equal(sent.status, 202);
    await idle();
    const own = `benchling/${entry.displayId}`;
    assert.ok(await readLatest(store, own));
    // A `--` and a `-p…-s…` in the name: the earlier app's own decoding got this one wrong.
    const linked = `lab/${entry.displayId}--assay-p1-s15`;
    await writeForeignPackage(linked, { experiment_id: entry.displayId });

    const eid = entry.id;
    const enc = linked.replaceAll('/', '--');
    const cases: { buttonId: string; view: string; shows: string }[] = [
      { buttonId: `browse-files-${eid}-p0-s15`, view: 'browse', shows: 'Page 1 of 2' },
      { buttonId: `next-page-${eid}-p1-s15`, view: 'browse', shows: 'Page 2 of 2' },
      { buttonId: `view-metadata-${eid}-p0-s15`, view: 'metadata', shows: entry.displayId },
      { buttonId: `browse-linked-${eid}-pkg-${enc}-p0-s15`, view: 'browse', shows: 'Files in linked package' },
      { buttonId: `view-metadata-linked-${eid}-pkg-${enc}-p0-s15`, view: 'metadata', shows: 'Metadata of linked package' },
      { buttonId: `browse-linked-${eid}-pkg-lab--gone-p0-s15`, view: 'main', shows: 'Linked packages' },
      { buttonId: `back-to-package-${eid}`, view: 'main', shows: 'Linked packages' },
      { buttonId: `next-page-${eid}-pX-s15`, view: 'main', shows: 'Linked packages' },
    ];
    const exportsBefore = world.sandbox.count('POST /api/v2/exports');
    for (const { buttonId, view, shows } of cases) {
      // A fresh canvas each time: the earlier app's blocks, and no state of ours.
      const canvas = world.sandbox.insertCanvas(eid, { blocks: earlierBlocks(eid, entry.displayId, [linked]) });
      const now = await click(canvas.id, buttonId);
      const blocks = now.blocks as Block[];
      assert.equal(viewKind(blocks), view, buttonId);
      assert.ok(markdown(blocks).includes(shows), `${buttonId}: ${markdown(blocks)}`);
      assert.ok(buttons(blocks).length > 0 && buttons(blocks).every((b) => decodeButtonId(b.id).ok), `${buttonId}: its buttons are ours now`);
      assert.equal((JSON.parse(now.data!) as { entry: { id: string } }).entry.id, eid, 'the canvas holds our state now');
    }
    assert.equal(world.sandbox.count('POST /api/v2/exports'), exportsBefore, 'no view click exports');

    const canvas = world.sandbox.insertCanvas(eid, { blocks: earlierBlocks(eid, entry.displayId, [linked]) });
    await click(canvas.id, `update-package-${eid}`);
    assert.deepEqual(writesTo(canvas.id).map((w) => viewKind(blocksOf(w))), ['updating', 'main']);
    assert.equal(world.sandbox.count('POST /api/v2/exports'), exportsBefore + 1);
  });

  test("its button naming another entry shows this app's error view, and nothing is exported", async () => {
    const entry = world.sandbox.addEntry();
    const other = world.sandbox.addEntry();
    const canvas = world.sandbox.insertCanvas(entry.id, { blocks: earlierBlocks(entry.id, entry.displayId, []) });
    const exportsBefore = world.sandbox.count('POST /api/v2/exports');
    for (const buttonId of [`update-package-${other.id}`, `browse-files-${other.id}-p0-s15`]) {
      const now = await click(canvas.id, buttonId);
      assert.equal(viewKind(now.blocks as Block[]), 'error', buttonId);
    }
    assert.equal(world.sandbox.count('POST /api/v2/exports'), exportsBefore);
  });

  test('an entry never packaged: Browse on its old canvas shows the main view, whose Update packages it', async () => {
    const entry = world.sandbox.addEntry();
    const canvas = world.sandbox.insertCanvas(entry.id, { blocks: earlierBlocks(entry.id, entry.displayId, []) });
    const now = await click(canvas.id, `browse-files-${entry.id}-p0-s15`);
    assert.equal(viewKind(now.blocks as Block[]), 'main');
    assert.ok(buttons(now.blocks as Block[]).some((b) => b.text === 'Update package'));
  });
});

test("every canvas body the worker sent in these scenarios is one Benchling's published spec allows", () => {
  const spec = benchlingSpec();
  const writes = world.sandbox.canvasWrites;
  assert.ok(writes.some((w) => w.method === 'POST') && writes.some((w) => w.method === 'PATCH'), 'creates and updates were sent');
  for (const write of writes) {
    const schema = spec.component(write.method === 'POST' ? 'AppCanvasCreate' : 'AppCanvasUpdate');
    assert.deepEqual(spec.violations(schema, write.body), [], `${write.method} ${write.canvasId ?? ''} (${write.status})`);
  }
});
