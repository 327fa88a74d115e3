import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { encodeButtonId } from '../../src/canvas/button-id.ts';
import type { CanvasWrite } from '../../src/sandbox/canvas-store.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import type { PackagingHandlerOptions } from '../../src/worker/packaging-handler.ts';
import { ENTRY_CANVASES_PREFIX } from '../../src/worker/entry-canvases.ts';
import { captured, knownSecretValues } from '../support/leak-guard.ts';
import { openServiceWorld, startWorldWorker, type ServiceWorld } from '../support/service-world.ts';

/**
 * A canvas shows the entry Benchling's record of the canvas names, whatever a message says,
 * and the app writes only its own canvases. Through the real service and worker against the
 * sandbox tenant; every canvas write is read back from the sandbox, refused ones included.
 */

let world: ServiceWorld;
let store: ObjectStore;
const logs: string[] = [];
const FOREIGN_APP = 'app_someoneElse42';

before(async () => {
  world = await openServiceWorld();
  knownSecretValues(world.sandbox.secret.client_id, world.sandbox.secret.client_secret);
  store = await openObjectStore(join(world.dir, 'registry'));
});
after(async () => {
  captured('worker log', logs.join(''));
  await world?.close();
});

async function send(path: string, envelope: object): Promise<void> {
  const sent = await world.sandbox.sendWebhook(`${world.service.url}/${path}`, envelope as never);
  assert.equal(sent.status, 202, JSON.stringify(sent.body));
}

async function idle(): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const depth = await world.queue.depth();
    if (depth.waiting === 0 && depth.inFlight === 0) return;
    if (Date.now() > deadline) throw new Error(`queue still busy: ${JSON.stringify(depth)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** One fresh worker (nothing in memory) until the queue is empty, as a task replaced by a deploy. */
async function withWorker(work: () => Promise<void>, extra: Partial<PackagingHandlerOptions> = {}): Promise<void> {
  const worker = await startWorldWorker(world, store, logs, extra);
  try {
    await work();
    await idle();
  } finally {
    await worker.stop();
  }
}

/** Every write the app made to the canvas, accepted or refused. */
const writesTo = (canvasId: string): CanvasWrite[] => world.sandbox.canvasWrites.filter((w) => w.canvasId === canvasId);
const markdownOf = (write: CanvasWrite | undefined): string =>
  ((write?.body as { blocks?: { type: string; value?: string }[] } | undefined)?.blocks ?? [])
    .filter((b) => b.type === 'MARKDOWN')
    .map((b) => b.value)
    .join('\n');

async function recorded(entryId: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.listKeys(`${ENTRY_CANVASES_PREFIX}${entryId}/`)) keys.push(key.slice(key.lastIndexOf('/') + 1));
  return keys;
}

const pairKey = (entryId: string, canvasId: string) => `${ENTRY_CANVASES_PREFIX}${entryId}/${canvasId}`;

test("a canvas.created naming entry B for A's canvas: the canvas keeps showing A, is never bound to B, and B's edits never reach it", async () => {
  const a = world.sandbox.addEntry({ name: 'Entry A on show' });
  const b = world.sandbox.addEntry({ name: 'Entry B kept private' });
  const canvas = world.sandbox.insertCanvas(a.id);
  await withWorker(() => send('canvas', world.sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: a.id })));
  assert.match(markdownOf(writesTo(canvas.id).at(-1)), /Entry A on show/);

  await withWorker(async () => {
    await send('canvas', world.sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: b.id }));
    await idle();
    world.sandbox.updateEntry(b.id, { name: 'Entry B edited' });
    await send('event', world.sandbox.envelopes.entryUpdatedFields(b.id, ['name']));
  });
  for (const write of writesTo(canvas.id)) {
    assert.ok(!markdownOf(write).includes('Entry B') && !markdownOf(write).includes(b.displayId), markdownOf(write));
  }
  assert.match(markdownOf(writesTo(canvas.id).at(-1)), /Entry A on show/);
  assert.deepEqual(await recorded(b.id), [], 'never bound to B');
  assert.deepEqual(await recorded(a.id), [canvas.id]);
  assert.equal(world.sandbox.canvas(canvas.id)!.resourceId, a.id);
  assert.ok(logs.some((l) => l.includes("the event names another entry than the canvas is in: the canvas's own record decides")));

  world.sandbox.updateEntry(a.id, { name: 'Entry A edited' });
  await withWorker(() => send('event', world.sandbox.envelopes.entryUpdatedFields(a.id, ['name'])));
  assert.match(markdownOf(writesTo(canvas.id).at(-1)), /Entry A edited/);
});

test("a pair an earlier version recorded wrongly (A's canvas under B) is checked before a redraw: not written, and forgotten", async () => {
  const a = world.sandbox.addEntry({ name: 'Canvas owner' });
  const b = world.sandbox.addEntry({ name: 'Wrongly bound' });
  const canvas = world.sandbox.insertCanvas(a.id);
  await withWorker(() => send('canvas', world.sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: a.id })));
  await store.putObject(pairKey(b.id, canvas.id), '');
  const before = writesTo(canvas.id).length;
  world.sandbox.updateEntry(b.id, { name: 'Wrongly bound, edited' });
  await withWorker(() => send('event', world.sandbox.envelopes.entryUpdatedFields(b.id, ['name'])));
  assert.equal(writesTo(canvas.id).length, before, 'not written');
  assert.deepEqual(await recorded(b.id), [], 'forgotten');
  assert.ok(logs.some((l) => l.includes('canvas not redrawn, and forgotten for this entry') && l.includes('the canvas is in another entry')));
});

test("another app's canvas is never written: not on canvas.created, not on a click, not on a redraw of a pair that names it", async () => {
  const entry = world.sandbox.addEntry({ name: 'Shared entry' });
  const foreign = world.sandbox.insertCanvas(entry.id, { appId: FOREIGN_APP });
  const exportsBefore = world.sandbox.count('POST /api/v2/exports');
  await withWorker(async () => {
    await send('canvas', world.sandbox.envelopes.canvasCreated({ canvasId: foreign.id, resourceId: entry.id }));
    await send('canvas', world.sandbox.envelopes.canvasUserInteracted({ canvasId: foreign.id, buttonId: encodeButtonId({ action: 'update', entryId: entry.id }) }));
  });
  assert.deepEqual(writesTo(foreign.id), [], 'no PATCH, not even a refused one');
  assert.equal(world.sandbox.count('POST /api/v2/exports'), exportsBefore, 'nothing packaged for it');
  assert.deepEqual(await recorded(entry.id), []);
  assert.ok(logs.some((l) => l.includes('canvas not drawn') && l.includes(`another app (${FOREIGN_APP})`)));

  // A pair naming it (recorded with our app id, or by an earlier version with none): checked, not written, forgotten.
  for (const body of [world.sandbox.appId, '']) {
    await store.putObject(pairKey(entry.id, foreign.id), body);
    await withWorker(() => send('event', world.sandbox.envelopes.entryUpdatedFields(entry.id, ['name'])));
    assert.deepEqual(writesTo(foreign.id), [], `pair recorded with ${JSON.stringify(body)}`);
    assert.deepEqual(await recorded(entry.id), []);
  }
});

test('a worker that knows no app id yet redraws from the app id recorded with the pair; an unchecked pair waits', async () => {
  const entry = world.sandbox.addEntry({ name: 'Redrawn after a deploy' });
  const canvas = world.sandbox.insertCanvas(entry.id);
  await withWorker(() => send('canvas', world.sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: entry.id })));
  assert.equal((await store.getObject(pairKey(entry.id, canvas.id)))?.toString(), world.sandbox.appId, 'the pair records the app');

  world.sandbox.updateEntry(entry.id, { name: 'Edited by a fresh worker' });
  await withWorker(() => send('event', world.sandbox.envelopes.entryUpdatedFields(entry.id, ['name'])), { appId: undefined });
  assert.match(markdownOf(writesTo(canvas.id).at(-1)), /Edited by a fresh worker/);

  // A pair from before app ids were recorded: a worker with no app id to check it against leaves it for later.
  await store.putObject(pairKey(entry.id, canvas.id), '');
  const before = writesTo(canvas.id).length;
  world.sandbox.updateEntry(entry.id, { name: 'Edited again' });
  await withWorker(() => send('event', world.sandbox.envelopes.entryUpdatedFields(entry.id, ['name'])), { appId: undefined });
  assert.equal(writesTo(canvas.id).length, before);
  assert.deepEqual(await recorded(entry.id), [canvas.id], 'kept');
  // The next worker that knows the app checks it, redraws, and records the app with the pair.
  world.sandbox.updateEntry(entry.id, { name: 'Edited a third time' });
  await withWorker(() => send('event', world.sandbox.envelopes.entryUpdatedFields(entry.id, ['name'])));
  assert.match(markdownOf(writesTo(canvas.id).at(-1)), /Edited a third time/);
  assert.equal((await store.getObject(pairKey(entry.id, canvas.id)))?.toString(), world.sandbox.appId);
});

test("ids in a canvas's saved state are never used: a state naming another entry or path-like packages routes nowhere", async () => {
  const entry = world.sandbox.addEntry({ name: 'Hostile state' });
  const hostile = JSON.stringify({
    v: 1,
    entry: { id: '..', displayId: '../x', name: 'n' },
    package: { name: '../../etc', topHash: '..', updatedAt: '' },
    linked: ['../y', '%2F'],
    linkedOmitted: 0,
  });
  const sameEntry = JSON.stringify({ v: 1, entry: { id: entry.id, displayId: 'X', name: 'n' }, package: { name: '../../etc', topHash: '..', updatedAt: '' }, linked: ['../y'] });
  world.sandbox.log.clear();
  for (const data of [hostile, sameEntry]) {
    const canvas = world.sandbox.insertCanvas(entry.id, { data });
    await withWorker(async () => {
      for (const button of [
        encodeButtonId({ action: 'browse', entryId: entry.id, page: 0 }),
        encodeButtonId({ action: 'metadata', entryId: entry.id }),
        encodeButtonId({ action: 'browse', entryId: entry.id, packageName: '../y', page: 0 }),
        encodeButtonId({ action: 'back', entryId: entry.id }),
        // Refused by the service (400): the entry a button names must be an id.
        encodeButtonId({ action: 'update', entryId: '..' }),
      ]) {
        const sent = await world.sandbox.sendWebhook(`${world.service.url}/canvas`, world.sandbox.envelopes.canvasUserInteracted({ canvasId: canvas.id, buttonId: button }));
        assert.ok(sent.status === 202 || sent.status === 400, String(sent.status));
        await idle();
      }
    });
    const views = writesTo(canvas.id).map((w) => ((w.body as { blocks?: { id: string }[] }).blocks ?? [])[0]?.id);
    assert.ok(views.length >= 4 && views.every((id) => id === 'error' || id === 'main'), views.join(','));
  }
  const paths = world.sandbox.log.entries.map((e) => `${e.method} ${e.path}`);
  const idPath = /^(POST \/api\/v2\/token|GET \/api\/v2\/app-canvases\/cnvs_\w+|PATCH \/api\/v2\/app-canvases\/cnvs_\w+|GET \/api\/v2\/entries\/etr_\w+|POST \/api\/v2\/exports|GET \/api\/v2\/tasks\/[\w-]+|GET \/downloads\/.+|GET \/api\/v1\/apps\/\w+\/jwks)$/;
  assert.deepEqual(paths.filter((p) => !idPath.test(p)), [], 'every call named ids only');
});
