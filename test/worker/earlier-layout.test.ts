import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { escapeMarkdown } from '../../src/canvas/markdown.ts';
import { readLatest } from '../../src/quilt/read-package.ts';
import { latestPointerKey, packageDataKey } from '../../src/quilt/registry-layout.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { seedExampleEntries } from '../../src/sandbox/example-entries.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { benchlingSpec } from '../support/openapi-spec.ts';
import { serveInProcess, type ServeInProcess } from '../support/serve-in-process.ts';

/**
 * A team moving from the earlier Benchling→Quilt app keeps its catalog views, searches and
 * queries: the real serve packages a sandbox entry with note links, entity-valued fields and
 * a results table, and every file and metadata key the earlier layout had is there with the
 * meaning it had — except the presigned export URL, which is left out on purpose.
 */

let sandbox: SandboxTenant;
let registry: string;
let store: ObjectStore;
let running: ServeInProcess;

before(async () => {
  sandbox = await new SandboxTenant().start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  registry = await mkdtemp(join(tmpdir(), 'bw-registry-'));
  store = await openObjectStore(registry, {});
  const env = { ...process.env, XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-cfg-')), XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-data-')) };
  const service = sandbox.serviceEnv();
  running = await serveInProcess({ benchlingSecrets: service.BENCHLING_SECRETS, benchlingApiUrl: service.BENCHLING_API_URL, benchlingJwksUrl: service.BENCHLING_JWKS_URL, registry }, env);
});
after(async () => {
  await running?.stop();
  await sandbox.stop();
  await rm(registry, { recursive: true, force: true });
});

async function text(key: string): Promise<string> {
  const stream = await store.getStream(key);
  assert.ok(stream, `${key} is missing`);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const json = async (key: string) => JSON.parse(await text(key)) as Record<string, unknown>;

async function waitForLatest(name: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await store.getObject(latestPointerKey(name)))) {
    if (Date.now() > deadline) throw new Error(`no package ${name}; logs: ${JSON.stringify(running.logs.slice(-5))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a package written for a sandbox entry carries every file and metadata key of the earlier layout, with its meaning, and no presigned URL', async () => {
  const [entry] = seedExampleEntries(sandbox);
  assert.ok(entry);
  assert.deepEqual(benchlingSpec().violations(benchlingSpec().component('EntryById'), { entry }), [], 'the sandbox answers what the spec allows');
  const sent = await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryCreated(entry.id));
  assert.equal(sent.status, 202);
  const name = `benchling/${entry.displayId}`;
  await waitForLatest(name);
  const latest = await readLatest(store, name);
  assert.ok(latest);

  const keys = latest.manifest.entries.map((e) => e.logicalKey);
  const exported = ['entry.html', 'growth/curve.csv', 'growth/notes.md'].filter((k) => keys.includes(k));
  for (const key of ['entry.json', 'entry_data.json', 'links.json', 'input.json', 'README.md', 'growth/curve.csv', 'growth/notes.md']) {
    assert.ok(keys.includes(key), `${key} in ${keys.join(', ')}`);
  }
  const exportFiles = latest.manifest.entries.filter((e) => !['entry.json', 'entry_data.json', 'links.json', 'input.json', 'README.md'].includes(e.logicalKey));
  assert.ok(exported.length >= 2 && exportFiles.length >= exported.length);

  // entry.json, which is also the package metadata.
  const meta = await json(packageDataKey(name, 'entry.json'));
  assert.deepEqual(latest.manifest.meta.user_meta, meta, 'the package metadata is entry.json');
  assert.equal(meta.package_name, name);
  assert.equal(meta.entry_id, entry.id);
  assert.equal(meta.display_id, entry.displayId);
  assert.equal(meta.name, entry.name);
  assert.equal(meta.web_url, entry.webURL);
  assert.equal(meta.creator, `${entry.creator.name} <${entry.creator.handle}@${entry.creator.id}>`);
  assert.deepEqual(meta.authors, entry.authors.map((a) => ({ id: a.id, name: a.name, handle: a.handle })));
  assert.equal(meta.created_at, entry.createdAt);
  assert.equal(meta.modified_at, entry.modifiedAt);
  assert.ok(!Number.isNaN(Date.parse(meta.created_at as string)) && !Number.isNaN(Date.parse(meta.modified_at as string)), 'ISO-8601 dates');
  assert.equal(meta.export_timestamp, entry.modifiedAt, 'the state the export shows');
  assert.equal(meta.benchling_base_url, sandbox.url);
  assert.ok('webhook_data' in meta && meta.webhook_data === null, 'present, and empty: see docs/package-layout.md');
  assert.deepEqual(
    meta.files,
    Object.fromEntries(exportFiles.map((e) => [e.logicalKey, { s3_key: `${name}/${e.logicalKey}`, size: e.size }])),
    'every exported file, with the key it is stored under and its size',
  );
  assert.ok(!('canvas_id' in meta), 'no canvas shows the entry yet: no canvas_id, not null');
  const strain = entry.days[0]!.notes[0]!.links![0]!;
  assert.deepEqual(meta.links, [{ type: 'custom_entity', id: strain.id, name: 'E. coli BL21', slug: null }], 'note links, named by GET-by-id');

  // entry_data.json: the entry as the API returned it, plus snake_case copies.
  const data = await json(packageDataKey(name, 'entry_data.json'));
  for (const key of ['id', 'displayId', 'name', 'webURL', 'createdAt', 'modifiedAt', 'creator', 'authors', 'fields', 'days', 'schema', 'folderId']) {
    assert.deepEqual(data[key], (entry as unknown as Record<string, unknown>)[key], `entry_data.json ${key}`);
  }
  assert.equal(data.entry_id, entry.id);
  assert.equal(data.display_id, entry.displayId);
  assert.equal(data.web_url, entry.webURL);

  // links.json, schema version 2.
  const links = await json(packageDataKey(name, 'links.json'));
  assert.equal(links.schema_version, 2);
  const plasmids = entry.fields.Plasmids!.value as string[];
  assert.deepEqual(
    (links.entities as Record<string, unknown>[]).map((e) => [e.id, e.type, e.source]),
    [[strain.id, 'custom_entity', 'note_link'], ...plasmids.map((id) => [id, 'dna_sequence', 'entity_field'])],
    'the strain once (a note links it and a field names it), then the plasmids of the multi-link field',
  );
  assert.equal((links.entities as Record<string, unknown>[])[0]!.web_url, strain.webURL);
  assert.deepEqual(
    (links.links as Record<string, unknown>[]).map(({ id, type, web_url }) => ({ id, type, web_url })),
    [{ id: strain.id, type: 'custom_entity', web_url: strain.webURL }],
  );
  assert.deepEqual(links.results_tables, [{ assay_result_schema_id: 'assaysch_od600rd1', api_id: 'od600_readings', name: 'OD600 readings' }]);

  // input.json, without the presigned URL.
  const input = await json(packageDataKey(name, 'input.json'));
  assert.deepEqual(input, {
    source: 'benchling_webhook',
    processing_timestamp: entry.modifiedAt,
    package_metadata: { name, registry, total_files: exportFiles.length },
  });

  // README.md says what each metadata file holds, as the earlier README did.
  const readme = await text(packageDataKey(name, 'README.md'));
  const section = readme.slice(readme.indexOf('## Metadata files'));
  assert.ok(readme.includes('## Metadata files'), readme);
  for (const file of ['entry.json', 'entry_data.json', 'links.json', 'input.json']) assert.ok(section.includes(`- ${escapeMarkdown(file)}: `), `${file} in ${section}`);

  // The commit message.
  assert.equal(latest.manifest.meta.message, `Benchling v2.entry.created at ${entry.modifiedAt}`);

  // The export's download link (a bearer credential while it lives) is nowhere in the package.
  for (const e of latest.manifest.entries) {
    if (!e.logicalKey.endsWith('.json') && e.logicalKey !== 'README.md') continue;
    const body = await text(packageDataKey(name, e.logicalKey));
    assert.ok(!body.includes('/downloads/') && !body.includes('export_url'), `${e.logicalKey} names no export download`);
  }
});

test('the earlier layout keeps re-packaging an unchanged entry free: a second event adds no revision', async () => {
  const entry = sandbox.addEntry({ name: 'Unchanged', attachments: { 'a.csv': 'x\n1\n' } });
  const name = `benchling/${entry.displayId}`;
  await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryCreated(entry.id));
  await waitForLatest(name);
  const first = await readLatest(store, name);
  const sent = await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryUpdatedFields(entry.id));
  assert.equal(sent.status, 202);
  const deadline = Date.now() + 15_000;
  // The second job reads the entry after its event, so it packages it again rather than skipping it.
  while (!running.logs.some((l) => l.package === name && l.msg === 'package written' && l.changed === false)) {
    if (Date.now() > deadline) throw new Error(`second job never finished; logs: ${JSON.stringify(running.logs.slice(-5))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const second = await readLatest(store, name);
  assert.equal(second?.topHash, first?.topHash);
});

test('entry.json names the canvas that shows the entry once the app knows one, and keeps naming it', async () => {
  const entry = sandbox.addEntry({ name: 'With a canvas', attachments: { 'b.csv': 'y\n2\n' } });
  const name = `benchling/${entry.displayId}`;
  const sent = await sandbox.sendWebhook(`${running.url}/canvas`, sandbox.envelopes.canvasInitialized({ resourceId: entry.id }));
  assert.equal(sent.status, 202);
  await waitForLatest(name);
  const canvas = sandbox.canvases.find((c) => c.resourceId === entry.id);
  assert.ok(canvas, 'the app created a canvas in the entry');
  const first = await readLatest(store, name);
  assert.equal((first?.manifest.meta.user_meta as Record<string, unknown>).canvas_id, canvas.id);
  assert.equal(JSON.parse(await text(packageDataKey(name, 'entry.json'))).canvas_id, canvas.id);

  // An entry event (which names no canvas) keeps it, as the earlier app kept it from the previous entry.json.
  await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryUpdatedFields(entry.id));
  const deadline = Date.now() + 15_000;
  while (running.logs.filter((l) => l.package === name && l.msg === 'package written').length < 2) {
    if (Date.now() > deadline) throw new Error(`second job never finished; logs: ${JSON.stringify(running.logs.slice(-5))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const second = await readLatest(store, name);
  assert.equal(second?.topHash, first?.topHash, 'unchanged: the same revision, canvas_id included');
});
