import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readLatest } from '../../src/quilt/read-package.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { ENTRY_CANVASES_PREFIX } from '../../src/worker/entry-canvases.ts';
import { openServiceWorld, startWorldWorker, type ServiceWorld } from '../support/service-world.ts';

/**
 * On AWS the worker that drew a canvas is rarely the one that takes the entry's next edit:
 * there are several tasks, and every deploy replaces them. Each worker here is a fresh
 * packaging handler (nothing in memory) on the same queue and registry, one at a time.
 */

let world: ServiceWorld;
let store: ObjectStore;
const logs: string[] = [];

before(async () => {
  world = await openServiceWorld();
  store = await openObjectStore(join(world.dir, 'registry'));
});
after(() => world?.close());

async function send(path: string, envelope: object): Promise<void> {
  const sent = await world.sandbox.sendWebhook(`${world.service.url}/${path}`, envelope as never);
  assert.equal(sent.status, 202);
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

/** Runs one worker until the queue is empty, then stops it, as a task replaced by a deploy. */
async function withWorker(work: () => Promise<void>): Promise<void> {
  const worker = await startWorldWorker(world, store, logs);
  try {
    await work();
    await idle();
  } finally {
    await worker.stop();
  }
}

const lastMarkdown = (canvasId: string): string => {
  const write = world.sandbox.canvasWrites.filter((w) => w.canvasId === canvasId && w.status < 300).at(-1);
  const blocks = (write?.body as { blocks?: { type: string; value?: string }[] } | undefined)?.blocks ?? [];
  return blocks.filter((b) => b.type === 'MARKDOWN').map((b) => b.value).join('\n');
};

async function recorded(entryId: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.listKeys(`${ENTRY_CANVASES_PREFIX}${entryId}/`)) keys.push(key);
  return keys;
}

test('a canvas drawn by one worker is redrawn on the next edit by another that never saw it', async () => {
  const entry = world.sandbox.addEntry({ name: 'Drawn by the first task' });
  const canvas = world.sandbox.insertCanvas(entry.id);
  await withWorker(() => send('canvas', world.sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: entry.id })));
  assert.match(lastMarkdown(canvas.id), /Drawn by the first task/);
  assert.deepEqual(await recorded(entry.id), [`${ENTRY_CANVASES_PREFIX}${entry.id}/${canvas.id}`]);

  world.sandbox.updateEntry(entry.id, { name: 'Edited after the deploy' });
  const writesBefore = world.sandbox.canvasWrites.length;
  await withWorker(() => send('event', world.sandbox.envelopes.entryUpdatedFields(entry.id, ['name'])));
  assert.ok(world.sandbox.canvasWrites.length > writesBefore, 'the second worker wrote to the canvas');
  assert.match(lastMarkdown(canvas.id), /Edited after the deploy/);
});

test('a canvas removed from the entry in Benchling is forgotten after one failed redraw; the package is still written', async () => {
  const entry = world.sandbox.addEntry({ name: 'Two canvases' });
  const kept = world.sandbox.insertCanvas(entry.id);
  const removed = world.sandbox.insertCanvas(entry.id);
  await withWorker(async () => {
    await send('canvas', world.sandbox.envelopes.canvasCreated({ canvasId: kept.id, resourceId: entry.id }));
    await send('canvas', world.sandbox.envelopes.canvasCreated({ canvasId: removed.id, resourceId: entry.id }));
  });
  assert.equal((await recorded(entry.id)).length, 2);
  world.sandbox.deleteCanvas(removed.id);

  world.sandbox.updateEntry(entry.id, { name: 'After the removal' });
  await withWorker(() => send('event', world.sandbox.envelopes.entryUpdatedFields(entry.id, ['name'])));
  assert.match(lastMarkdown(kept.id), /After the removal/);
  const latest = await readLatest(store, `benchling/${entry.displayId}`);
  assert.equal((latest?.manifest.meta.user_meta as { name?: string } | undefined)?.name, 'After the removal');
  assert.deepEqual(await recorded(entry.id), [`${ENTRY_CANVASES_PREFIX}${entry.id}/${kept.id}`]);

  const refusedBefore = world.sandbox.canvasWrites.filter((w) => w.canvasId === removed.id && w.status === 404).length;
  world.sandbox.updateEntry(entry.id, { name: 'Edited again' });
  await withWorker(() => send('event', world.sandbox.envelopes.entryUpdatedFields(entry.id, ['name'])));
  assert.match(lastMarkdown(kept.id), /Edited again/);
  const refusedAfter = world.sandbox.canvasWrites.filter((w) => w.canvasId === removed.id && w.status === 404).length;
  assert.equal(refusedAfter, refusedBefore, 'the removed canvas is not tried again');
});
