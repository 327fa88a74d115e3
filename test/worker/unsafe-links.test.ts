import type { Job } from '../../src/jobs/job.ts';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { encodeButtonId } from '../../src/canvas/button-id.ts';
import { packageDataKey } from '../../src/quilt/registry-layout.ts';
import { readLatest } from '../../src/quilt/read-package.ts';
import type { CanvasWrite } from '../../src/sandbox/canvas-store.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import type { WorkerLoop } from '../../src/worker/worker-loop.ts';
import { captured, knownSecretValues } from '../support/leak-guard.ts';
import { openServiceWorld, startWorldWorker, type ServiceWorld } from '../support/service-world.ts';

/**
 * An entry whose webURL (and whose notes' link URLs) a user made hostile, packaged through the
 * real service and worker against the sandbox tenant: README.md, links.json and the canvas
 * views link only to the tenant (here the sandbox's own origin) or the catalog.
 */

const CATALOG = 'catalog.example.com';
let world: ServiceWorld;
let store: ObjectStore;
let worker: WorkerLoop<Job>;
const logs: string[] = [];

before(async () => {
  world = await openServiceWorld();
  knownSecretValues(world.sandbox.secret.client_id, world.sandbox.secret.client_secret);
  store = await openObjectStore(join(world.dir, 'registry'));
  worker = await startWorldWorker(world, store, logs, { quiltCatalog: CATALOG });
});
after(async () => {
  await worker?.stop();
  captured('worker log', logs.join(''));
  await world?.close();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function text(key: string): Promise<string> {
  const stream = await store.getStream(key);
  assert.ok(stream, key);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const markdownOf = (write: CanvasWrite | undefined) =>
  ((write?.body as { blocks?: { type: string; value?: string; children?: unknown[] }[] } | undefined)?.blocks ?? [])
    .filter((b) => b.type === 'MARKDOWN')
    .map((b) => b.value ?? '')
    .join('\n');

/** Link destinations of every kind in markdown: inline `](…)` and autolinks `<…>`. */
function destinations(markdown: string): string[] {
  const inline = [...markdown.matchAll(/\]\(([^)\s]*)\)/g)].map((m) => m[1]!);
  const auto = [...markdown.matchAll(/(?<!\\)<([^<>\s]*)>/g)].map((m) => m[1]!);
  return [...inline, ...auto];
}

test('a javascript: webURL and hostile link URLs: no live link in README.md, links.json or any canvas view; nothing is lost', async () => {
  const sandboxHost = new URL(world.sandbox.url).host;
  const hostile = {
    entry: 'javascript:alert(document.cookie)',
    links: ['JavaScript:alert(1)', `https://${sandboxHost}@evil.example/`, 'data:text/html,<script>alert(1)</script>', 'https://evil.example/x', `java\tscript:alert(1)`],
  };
  const good = `${world.sandbox.url}/acme/f/lib_1-notebook/bfi_good-strain/edit`;
  const links = [...hostile.links, good].map((webURL, i) => ({ id: `bfi_link${i}`, type: 'custom_entity', webURL }));
  const entry = world.sandbox.addEntry({
    name: 'Hostile URLs',
    webURL: hostile.entry,
    days: [{ date: '2026-01-01', title: 'Day', notes: [{ type: 'text', text: 'see links', links }] }],
  });
  const canvas = world.sandbox.insertCanvas(entry.id);
  const sent = await world.sandbox.sendWebhook(`${world.service.url}/canvas`, world.sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: entry.id }));
  assert.equal(sent.status, 202);
  const name = `benchling/${entry.displayId}`;
  await until('the package', () => readLatest(store, name));

  const readme = await text(packageDataKey(name, 'README.md'));
  const line = readme.split('\n').find((l) => l.startsWith('- Entry: '));
  assert.equal(line, '- Entry: javascript\\:alert\\(document\\.cookie\\)', readme);
  assert.deepEqual(destinations(readme), [], readme);

  const doc = JSON.parse(await text(packageDataKey(name, 'links.json'))) as { links: { id: string; web_url: string | null; web_url_text?: string }[] };
  assert.deepEqual(
    doc.links.map((l) => [l.web_url, l.web_url_text]),
    [...hostile.links.map((url) => [null, url]), [good, undefined]],
  );
  const userMeta = (await readLatest(store, name))!.manifest.meta.user_meta as { web_url: string };
  assert.equal(userMeta.web_url, hostile.entry, 'entry.json keeps the webURL as Benchling gave it');

  // The canvas: main view, then the metadata view that shows web_url.
  const main = await until('the main view', async () => world.sandbox.canvasWrites.filter((w) => w.canvasId === canvas.id && markdownOf(w).includes('Package')).at(-1));
  const clicked = await world.sandbox.sendWebhook(
    `${world.service.url}/canvas`,
    world.sandbox.envelopes.canvasUserInteracted({ canvasId: canvas.id, buttonId: encodeButtonId({ action: 'metadata', entryId: entry.id }) }),
  );
  assert.equal(clicked.status, 202);
  const metadata = await until('the metadata view', async () => world.sandbox.canvasWrites.filter((w) => w.canvasId === canvas.id && markdownOf(w).includes('javascript')).at(-1));
  for (const view of [main, metadata]) {
    const markdown = markdownOf(view);
    for (const url of destinations(markdown)) assert.equal(new URL(url).host, CATALOG, `${url} in\n${markdown}`);
    assert.ok(!/(?<!\\)javascript:/i.test(markdown), markdown);
  }
});
