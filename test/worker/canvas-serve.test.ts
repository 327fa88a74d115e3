import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readLatest } from '../../src/quilt/read-package.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import type { CanvasWrite } from '../../src/sandbox/canvas-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { serveInProcess, type ServeInProcess } from '../support/serve-in-process.ts';

/** The canvas through the real `serve` composition, as start-worker.ts wires it today. */

let sandbox: SandboxTenant;
let running: ServeInProcess;
let registry: string;
const saved = { ...process.env };

const blocksOf = (write: CanvasWrite | undefined) => ((write?.body as { blocks?: { type: string; id: string; value?: string }[] } | undefined)?.blocks ?? []);
const firstMarkdown = (write: CanvasWrite | undefined) => blocksOf(write).find((b) => b.type === 'MARKDOWN');
const allMarkdown = (write: CanvasWrite | undefined) => blocksOf(write).map((b) => b.value ?? '').join('\n');

async function until<T>(what: string, probe: () => T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

before(async () => {
  // Exports finish at the first poll; ENTRY_SETTLE keeps its default, which the last test needs.
  sandbox = await new SandboxTenant({ rateLimit: false, exportTiming: { polls: 0 } }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  registry = await mkdtemp(join(tmpdir(), 'bw-registry-'));
  const env = { ...process.env, XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-cfg-')), XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-data-')) };
  const service = sandbox.serviceEnv();
  running = await serveInProcess(
    { benchlingSecrets: service.BENCHLING_SECRETS, benchlingApiUrl: service.BENCHLING_API_URL, benchlingJwksUrl: service.BENCHLING_JWKS_URL, registry },
    env,
  );
});

after(async () => {
  await running?.stop();
  await sandbox?.stop();
  process.env = saved;
});

async function packaged(name: string): Promise<void> {
  const store = await openObjectStore(registry);
  const deadline = Date.now() + 15_000;
  while (!(await readLatest(store, name))) {
    if (Date.now() > deadline) throw new Error(`no package ${name}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('serve: canvas.initialized creates the canvas with the app id of the envelope, showing "Updating…" within 1 s, and packages the entry', async () => {
  const entry = sandbox.addEntry();
  const sentAt = Date.now();
  const sent = await sandbox.sendWebhook(`${running.url}/canvas`, sandbox.envelopes.canvasInitialized({ resourceId: entry.id }));
  assert.equal(sent.status, 202);
  const post = await until('the POST', () => sandbox.canvasWrites.find((w) => w.method === 'POST' && w.status === 201 && (w.body as { resourceId?: string }).resourceId === entry.id), 1000);
  assert.ok(post.at - sentAt < 1000, `POST after ${post.at - sentAt} ms`);
  assert.ok(allMarkdown(post).includes('Updating…'));
  await packaged(`benchling/${entry.displayId}`);
});

test('serve: canvas.created shows "Updating…" within 1 s, then the main view of the package', async () => {
  const entry = sandbox.addEntry({ name: 'Through serve' });
  const canvas = sandbox.insertCanvas(entry.id);
  const sentAt = Date.now();
  const sent = await sandbox.sendWebhook(`${running.url}/canvas`, sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: entry.id }));
  assert.equal(sent.status, 202);
  const writes = () => sandbox.canvasWrites.filter((w) => w.canvasId === canvas.id && w.status === 200);
  const first = await until('the first PATCH', () => writes()[0], 1000);
  assert.ok(first.at - sentAt < 1000, `first PATCH after ${first.at - sentAt} ms`);
  assert.ok(allMarkdown(first).includes('Updating…'), JSON.stringify(writes().map(blocksOf)));
  const main = await until('the main view', () => writes().find((w) => firstMarkdown(w)?.id === 'main' && !allMarkdown(w).includes('Updating…')));
  const store = await openObjectStore(registry);
  assert.ok(await readLatest(store, `benchling/${entry.displayId}`));
  const text = allMarkdown(main);
  assert.ok(text.includes('Through serve'), text);
  assert.ok(text.includes('Updated '), text);
});

test('serve: after reading any canvas the worker knows the app id, so canvas.initialized creates the canvas', async () => {
  const entry = sandbox.addEntry();
  await sandbox.sendWebhook(`${running.url}/canvas`, sandbox.envelopes.canvasInitialized({ resourceId: entry.id }));
  const post = await until('the POST', () => sandbox.canvasWrites.find((w) => w.method === 'POST' && w.status === 201));
  assert.ok(allMarkdown(post).includes('Updating…'));
  await packaged(`benchling/${entry.displayId}`);
});

test('serve: edits still settling do not delay the canvas: "Updating…" within 1 s of canvas.initialized, and the edits are packaged after', async () => {
  const entry = sandbox.addEntry();
  sandbox.updateEntry(entry.id, { name: 'Edited before the canvas' });
  const edit = await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryUpdatedFields(entry.id, ['name']));
  assert.equal(edit.status, 202);
  const sentAt = Date.now();
  await sandbox.sendWebhook(`${running.url}/canvas`, sandbox.envelopes.canvasInitialized({ resourceId: entry.id }));
  const post = await until('the POST', () => sandbox.canvasWrites.find((w) => w.method === 'POST' && w.status === 201 && (w.body as { resourceId?: string }).resourceId === entry.id), 1000);
  assert.ok(post.at - sentAt < 1000, `POST after ${post.at - sentAt} ms, behind a settling edit`);
  assert.ok(allMarkdown(post).includes('Updating…'));
  const editJob = (edit.body as { job: string }).job;
  await until('the edit job done', () => running.logs.find((l) => l.msg === 'job done' && l.job === editJob));
});
