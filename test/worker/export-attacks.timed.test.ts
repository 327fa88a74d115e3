import assert from 'node:assert/strict';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { SandboxTenant, type CraftedExport, type SandboxCanvas } from '../../src/sandbox/index.ts';
import type { CanvasWrite } from '../../src/sandbox/canvas-store.ts';
import { readLatest } from '../../src/quilt/read-package.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { watchAttack, withinAttackBounds } from '../support/attack-watch.ts';
import { endlessBody, filesZip, kernelCopiesZip, zeroBombZip } from '../support/crafted-zips.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { eventually } from '../support/registry-audit.ts';
import { ServeProcess } from '../support/serve-process.ts';

/**
 * Hostile exports against the real `serve` binary (service and worker in one child process),
 * served by the sandbox tenant as an entry's export download. Each attack must end in a
 * refusal with its named reason, on the canvas and in the log line, with nothing written to
 * the registry, no download left on disk and no retry; all the while the process stays under
 * 300 MB RSS and answers /health in under 100 ms.
 */

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** Smaller than the defaults, so an attack on these two limits costs the test little. */
const MAX_DOWNLOAD = 16 * MiB;
const MAX_UNCOMPRESSED = 2 * GiB;

let sandbox: SandboxTenant;
let serve: ServeProcess;
let registry: string;
let downloads: string;

before(async () => {
  sandbox = await new SandboxTenant({ rateLimit: false }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  registry = await mkdtemp(join(tmpdir(), 'bw-attack-reg-'));
  // The worker's temp dir: where an export download lands, and must not stay.
  downloads = await mkdtemp(join(tmpdir(), 'bw-attack-tmp-'));
  serve = await new ServeProcess({
    ...sandbox.serviceEnv(),
    REGISTRY: registry,
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-attack-cfg-')),
    XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-attack-data-')),
    TMPDIR: downloads,
    LOG_LEVEL: 'info',
    BENCHLING_RATE_LIMIT: '100000/30s',
    EXPORT_MAX_DOWNLOAD: `${MAX_DOWNLOAD}`,
    EXPORT_MAX_UNCOMPRESSED: '2GiB',
  }).start(20_000);
  // An honest canvas job and a small refusal first: the process compiles its packaging, canvas
  // and refusal paths on their first use, which is not what the attacks measure.
  const honest = sandbox.addEntry({ attachments: { 'data/plate.csv': 'well,value\nA1,0.5\n' } });
  const canvas = sandbox.insertCanvas(honest.id);
  await sandbox.sendWebhook(`${serve.url}/canvas`, sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: honest.id }));
  const store = await openObjectStore(registry);
  await eventually(async () => (await readLatest(store, `benchling/${honest.displayId}`)) !== undefined, 'the honest package', 30_000);
  const small = sandbox.addEntry();
  sandbox.craftExport(small.id, kernelCopiesZip({ count: 2, kernelSize: 1024 }));
  const smallCanvas = sandbox.insertCanvas(small.id);
  await sandbox.sendWebhook(`${serve.url}/canvas`, sandbox.envelopes.canvasCreated({ canvasId: smallCanvas.id, resourceId: small.id }));
  await eventually(() => refusalsOn(smallCanvas, 'zip_overlapping_entries').length > 0, 'the warm-up refusal', 30_000);
});

after(async () => {
  await serve?.kill('SIGTERM');
  await sandbox?.stop();
});

const markdownOf = (write: CanvasWrite) => ((write.body as { blocks?: { value?: string }[] }).blocks ?? []).map((b) => b.value ?? '').join('\n');

function refusalsOn(canvas: SandboxCanvas, reason: string): CanvasWrite[] {
  return sandbox.canvasWrites.filter((w) => w.canvasId === canvas.id && w.status === 200 && markdownOf(w).includes(`*Reason: \`${reason}\`*`));
}

async function registryKeys(): Promise<string[]> {
  const store = await openObjectStore(registry);
  const keys: string[] = [];
  for await (const key of store.listKeys('')) keys.push(key);
  return keys;
}

interface Attack {
  /** The entry whose export is the attack. */
  entryId: string;
  displayId: string;
  canvas: SandboxCanvas;
  job: string;
}

/**
 * Crafts the entry's export, inserts a canvas and sends canvas.created through the service;
 * waits for the worker's refusal, watching the process all along.
 */
async function attack(t: TestContext, body: CraftedExport, reason: string): Promise<Attack> {
  const entry = sandbox.addEntry();
  sandbox.craftExport(entry.id, body);
  const canvas = sandbox.insertCanvas(entry.id);
  const watch = await watchAttack({ pid: serve.pid, url: serve.url });
  const sent = await sandbox.sendWebhook(`${serve.url}/canvas`, sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: entry.id }));
  assert.equal(sent.status, 202);
  const job = (sent.body as { job: string }).job;
  await eventually(() => serve.logs.some((l) => l.job === job && l.reason === reason), `the refusal ${reason}`, 30_000);
  await eventually(() => refusalsOn(canvas, reason).length > 0, `the canvas showing ${reason}`);
  const bounds = withinAttackBounds(await watch.stop());
  t.diagnostic(bounds.summary);
  assert.ok(bounds.ok, bounds.summary);
  return { entryId: entry.id, displayId: entry.displayId, canvas, job };
}

/** The refusal's log line, that nothing reached the registry or stayed on disk, and that the job was settled, not retried. */
async function assertRefused(a: Attack, reason: string, message: RegExp): Promise<void> {
  const line = serve.logs.find((l) => l.job === a.job && l.reason === reason)!;
  assert.equal(line.msg, `job refused (${reason}); it will not be retried`);
  assert.equal(line.level, 50);
  assert.match(String((line.err as { message?: string }).message), message);
  assert.equal((line.err as { code?: string }).code, reason.toUpperCase());
  const markdown = markdownOf(refusalsOn(a.canvas, reason).at(-1)!);
  assert.ok(!markdown.includes('/tmp') && !markdown.includes(a.entryId), 'no path or id of the message reaches the canvas');
  const keys = await registryKeys();
  const ofPackage = [`benchling/${a.displayId}/`, `.quilt/named_packages/benchling/${a.displayId}/`, `.benchling-webhook/staging/benchling/${a.displayId}/`];
  assert.deepEqual(keys.filter((k) => ofPackage.some((prefix) => k.startsWith(prefix))), []);
  assert.deepEqual((await readdir(downloads)).filter((name) => name.startsWith('bw-job-')), [], 'the download and its job dir are gone');
  // A retry would come after the worker's 5 s base delay; the job was acknowledged instead.
  const jobLines = () => serve.logs.filter((l) => l.job === a.job);
  assert.ok(jobLines().every((l) => l.msg !== 'job failed; it will be retried'), JSON.stringify(jobLines()));
}

describe('hostile exports through `serve` (local registry)', () => {
  test('a 1 MB deflate ZIP expanding to 1 GiB: zip_bomb, before a byte is inflated', async (t) => {
    const bomb = zeroBombZip({ size: GiB });
    assert.ok(bomb.bytes < 1.1 * MiB);
    const a = await attack(t, bomb, 'zip_bomb');
    await assertRefused(a, 'zip_bomb', /"zeros\.bin" would expand from \d+ to 1073741824 bytes, more than 200 times: EXPORT_MAX_RATIO/);
    const markdown = markdownOf(refusalsOn(a.canvas, 'zip_bomb').at(-1)!);
    assert.match(markdown, /## ⚠️ The export was refused as unsafe/);

    // The entry edited (its export now an honest one) packages again: the refusal held nothing back.
    sandbox.craftExport(a.entryId, undefined);
    sandbox.updateEntry(a.entryId, { name: 'Fixed attachment' });
    await sandbox.sendWebhook(`${serve.url}/event`, sandbox.envelopes.entryUpdatedFields(a.entryId, ['name']));
    const store = await openObjectStore(registry);
    await eventually(async () => (await readLatest(store, `benchling/${a.displayId}`)) !== undefined, 'the package of the edited entry');
  });

  test('a 66 KB ZIP pointing 800 entries at the same compressed bytes: zip_overlapping_entries; an entry job shows it on the canvas too', async (t) => {
    const overlap = kernelCopiesZip({ count: 800 });
    assert.ok(overlap.bytes < 70 * 1024);
    const a = await attack(t, overlap, 'zip_overlapping_entries');
    await assertRefused(a, 'zip_overlapping_entries', /share bytes of the ZIP file/);

    // An edit queues an entry job (no canvas of its own): refused again, and the entry's canvas says so.
    const shown = refusalsOn(a.canvas, 'zip_overlapping_entries').length;
    const sent = await sandbox.sendWebhook(`${serve.url}/event`, sandbox.envelopes.entryUpdatedReviewRecord(a.entryId));
    const job = (sent.body as { job: string }).job;
    await eventually(() => serve.logs.some((l) => l.job === job && l.reason === 'zip_overlapping_entries'), 'the entry job refused', 30_000);
    await eventually(() => refusalsOn(a.canvas, 'zip_overlapping_entries').length > shown, 'the canvas redrawn by the entry job');
  });

  test('a 1 GiB download with no Content-Length: export_too_large once EXPORT_MAX_DOWNLOAD has arrived, the rest never sent', async (t) => {
    let produced = 0;
    const body = endlessBody({ size: GiB, chunked: true, onRead: (bytes) => (produced = bytes) });
    const a = await attack(t, body, 'export_too_large');
    await assertRefused(a, 'export_too_large', new RegExp(`limit of ${MAX_DOWNLOAD} bytes \\(more than ${MAX_DOWNLOAD} bytes arrived\\): EXPORT_MAX_DOWNLOAD`));
    // The sandbox made what the worker pulled, plus what socket buffers hold.
    assert.ok(produced < MAX_DOWNLOAD + 16 * MiB, `the sandbox produced ${produced} bytes`);
  });

  test('a download announcing more than EXPORT_MAX_DOWNLOAD: export_too_large before its body is read', async (t) => {
    let produced = 0;
    const body = endlessBody({ size: GiB, onRead: (bytes) => (produced = bytes) });
    const a = await attack(t, body, 'export_too_large');
    await assertRefused(a, 'export_too_large', /Content-Length is 1073741824/);
    assert.ok(produced < 16 * MiB, `the sandbox produced ${produced} bytes`);
  });

  test('10,001 entries: export_too_many_files, from the ZIP directory', async (t) => {
    const files = Array.from({ length: 10_001 }, (_, i) => ({ name: `f/${i}.txt`, data: '' }));
    const a = await attack(t, filesZip(files), 'export_too_many_files');
    await assertRefused(a, 'export_too_many_files', /holds 10001 entries, more than the limit of 10000: EXPORT_MAX_FILES/);
  });

  test('honest files adding up past EXPORT_MAX_UNCOMPRESSED (2 GiB here): export_uncompressed_too_large', async (t) => {
    const copies = kernelCopiesZip({ count: Math.floor(MAX_UNCOMPRESSED / (8 * MiB)) + 1, kernelSize: 8 * MiB, overlap: false });
    const a = await attack(t, copies, 'export_uncompressed_too_large');
    await assertRefused(a, 'export_uncompressed_too_large', /more than the limit of 2147483648 bytes: EXPORT_MAX_UNCOMPRESSED/);
  });
});
