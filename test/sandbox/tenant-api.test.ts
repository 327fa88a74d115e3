import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BenchlingSecretSchema } from '../../src/secret/schema.ts';
import { generatedBytes, renderedFileName, SandboxTenant } from '../../src/sandbox/index.ts';
import { apiFor, basic, exportEntry, unzip, type Api } from './sandbox-client.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function bytesOf(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('sandbox tenant: identity and OAuth', () => {
  let tenant: SandboxTenant;
  before(async () => (tenant = await new SandboxTenant({ rateLimit: false }).start()));
  after(() => tenant.stop());

  test('starts fast on loopback with a secret the contract accepts, and exactly its four fields', async () => {
    const started = performance.now();
    const other = await new SandboxTenant().start();
    assert.ok(performance.now() - started < 500, 'start() must stay well under a second');
    await other.stop();
    assert.match(tenant.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(Object.keys(tenant.secret).sort(), ['app_definition_id', 'client_id', 'client_secret', 'tenant']);
    assert.equal(BenchlingSecretSchema.safeParse(tenant.secret).success, true);
    assert.notEqual(other.secret.client_secret, tenant.secret.client_secret);
    assert.equal(tenant.serviceEnv().BENCHLING_API_URL, tenant.url);
  });

  test('issues a Bearer token for credentials in Basic auth or in the form', async () => {
    const { client_id, client_secret } = tenant.secret;
    const viaBasic = await fetch(`${tenant.apiUrl}/token`, {
      method: 'POST',
      headers: { ...FORM, authorization: basic(client_id, client_secret) },
      body: 'grant_type=client_credentials',
    });
    assert.equal(viaBasic.status, 200);
    const token = (await viaBasic.json()) as Record<string, unknown>;
    assert.equal(token.token_type, 'Bearer');
    assert.equal(token.expires_in, 900);
    assert.equal(typeof token.access_token, 'string');
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id, client_secret });
    const viaForm = await fetch(`${tenant.apiUrl}/token`, { method: 'POST', headers: FORM, body: form.toString() });
    assert.equal(viaForm.status, 200);
  });

  test('refuses wrong credentials with 401 and a Benchling error body, and a bad grant with 400', async () => {
    const wrong = await fetch(`${tenant.apiUrl}/token`, {
      method: 'POST',
      headers: { ...FORM, authorization: basic(tenant.secret.client_id, 'not-the-secret') },
      body: 'grant_type=client_credentials',
    });
    assert.equal(wrong.status, 401);
    const body = (await wrong.json()) as { error: { message: string; type: string } };
    assert.equal(typeof body.error.message, 'string');
    assert.ok(!JSON.stringify(body).includes(tenant.secret.client_secret));
    const noGrant = await fetch(`${tenant.apiUrl}/token`, {
      method: 'POST',
      headers: { ...FORM, authorization: basic(tenant.secret.client_id, tenant.secret.client_secret) },
      body: 'grant_type=password',
    });
    assert.equal(noGrant.status, 400);
  });

  test('every other API call needs a valid, unexpired Bearer token', async () => {
    const path = `${tenant.apiUrl}/entries/${tenant.demoEntry.id}`;
    assert.equal((await fetch(path)).status, 401);
    assert.equal((await fetch(path, { headers: { authorization: 'Bearer made-up' } })).status, 401);
    const api = await apiFor(tenant);
    assert.equal((await api.get(`/entries/${tenant.demoEntry.id}`)).status, 200);
    tenant.revokeTokens();
    assert.equal((await api.get(`/entries/${tenant.demoEntry.id}`)).status, 401);
  });

  test('tokens expire after expires_in', async () => {
    const shortLived = await new SandboxTenant({ tokenLifetimeSeconds: 0.15, rateLimit: false }).start();
    try {
      const api = await apiFor(shortLived);
      assert.equal((await api.get(`/entries/${shortLived.demoEntry.id}`)).status, 200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const expired = await api.get(`/entries/${shortLived.demoEntry.id}`);
      assert.equal(expired.status, 401);
      assert.match(((await expired.json()) as { error: { message: string } }).error.message, /expired/);
    } finally {
      await shortLived.stop();
    }
  });
});

describe('sandbox tenant: entries and linked objects', () => {
  let tenant: SandboxTenant;
  let api: Api;
  before(async () => {
    tenant = await new SandboxTenant({ rateLimit: false }).start();
    api = await apiFor(tenant);
  });
  after(() => tenant.stop());

  test('serves the seeded demo entry with realistic fields, links and a file note', async () => {
    const response = await api.get(`/entries/${tenant.demoEntry.id}`);
    assert.equal(response.status, 200);
    const { entry } = (await response.json()) as { entry: Record<string, unknown> & { days: { notes: { type: string; links?: { id: string; type: string }[] }[] }[] } };
    assert.match(entry.id as string, /^etr_/);
    assert.match(entry.displayId as string, /^EXP\d{8}$/);
    for (const key of ['name', 'webURL', 'apiURL', 'createdAt', 'modifiedAt', 'creator', 'authors', 'fields', 'customFields', 'schema', 'folderId']) {
      assert.ok(key in entry, key);
    }
    assert.ok((entry.webURL as string).startsWith(tenant.url));
    const notes = entry.days.flatMap((d) => d.notes);
    assert.ok(notes.some((n) => n.type === 'external_file'));
    const links = notes.flatMap((n) => n.links ?? []);
    const entity = links.find((l) => l.type === 'custom_entity')!;
    const sequence = links.find((l) => l.type === 'dna_sequence')!;
    const named = (await (await api.get(`/custom-entities/${entity.id}`)).json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(named).sort(), ['id', 'name', 'webURL']);
    assert.equal(named.name, 'E. coli DH5α');
    assert.equal((await api.get(`/dna-sequences/${sequence.id}`)).status, 200);
    assert.equal((await api.get(`/dna-sequences/${entity.id}`)).status, 404, 'an id of another type is not found');
  });

  test('unknown entries are 404 with a Benchling error body', async () => {
    const response = await api.get('/entries/etr_nothere');
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as { error: { invalidId: string } }).error.invalidId, 'etr_nothere');
  });

  test('addEntry returns the entry the API serves; updateEntry moves modifiedAt forward', async () => {
    const added = tenant.addEntry({ name: 'Second entry' });
    const served = ((await (await api.get(`/entries/${added.id}`)).json()) as { entry: unknown }).entry;
    assert.deepEqual(served, added);
    assert.notEqual(added.displayId, tenant.demoEntry.displayId);
    const updated = tenant.updateEntry(added.id, { name: 'Renamed' });
    assert.equal(updated.name, 'Renamed');
    assert.ok(updated.modifiedAt > added.modifiedAt);
    const again = tenant.updateEntry(added.id, { name: 'Renamed' });
    assert.ok(again.modifiedAt > updated.modifiedAt, 'two updates in one millisecond still differ');
  });
});

describe('sandbox tenant: exports', () => {
  let tenant: SandboxTenant;
  let api: Api;
  before(async () => {
    tenant = await new SandboxTenant({ rateLimit: false, exportTiming: { polls: 2 } }).start();
    api = await apiFor(tenant);
  });
  after(() => tenant.stop());

  test('an export runs for the configured polls, then a download without Bearer yields a real ZIP', async () => {
    const started = await api.send('POST', '/exports', { id: tenant.demoEntry.id, format: 'html' });
    assert.equal(started.status, 202);
    const { taskId } = (await started.json()) as { taskId: string };
    const statuses: string[] = [];
    let task: { status: string; response?: { downloadURL: string } };
    do {
      task = (await (await api.get(`/tasks/${taskId}`)).json()) as typeof task;
      statuses.push(task.status);
    } while (task.status === 'RUNNING');
    assert.deepEqual(statuses, ['RUNNING', 'RUNNING', 'SUCCEEDED']);
    const download = await fetch(task.response!.downloadURL);
    assert.equal(download.status, 200);
    const files = await unzip(Buffer.from(await download.arrayBuffer()));
    const htmlName = renderedFileName(tenant.demoEntry, 'html');
    assert.deepEqual([...files.keys()].sort(), [htmlName, 'gel.png', 'plate-reader.csv', 'protocol.md'].sort());
    assert.match(files.get(htmlName)!.toString(), /GFP plasmid transformation/);
    assert.deepEqual(files.get('gel.png'), await bytesOf(generatedBytes('gel.png', 64 * 1024)));
    assert.equal(tenant.count('POST /api/v2/exports', 202), 1);
  });

  test('an export can also stay RUNNING for a minimum time', async () => {
    tenant.exportTiming = { polls: 0, ms: 120 };
    try {
      const { taskId } = (await (await api.send('POST', '/exports', { id: tenant.demoEntry.id, format: 'html' })).json()) as { taskId: string };
      const status = async () => ((await (await api.get(`/tasks/${taskId}`)).json()) as { status: string }).status;
      assert.equal(await status(), 'RUNNING');
      await new Promise((resolve) => setTimeout(resolve, 130));
      assert.equal(await status(), 'SUCCEEDED');
    } finally {
      tenant.exportTiming = { polls: 2, ms: 0 };
    }
  });

  test('a 40-file entry exports all 40 attachments plus the rendered entry', async () => {
    const attachments = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`data/file-${String(i).padStart(2, '0')}.bin`, 1000 + i]));
    const entry = tenant.addEntry({ name: 'Forty files', attachments });
    const task = await exportEntry(api, entry.id);
    const files = await unzip(Buffer.from(await (await fetch(task.response!.downloadURL)).arrayBuffer()));
    assert.equal(files.size, 41);
    assert.equal(files.get('data/file-39.bin')!.length, 1039);
  });

  test('a large generated file streams with its Content-Length announced', async () => {
    const size = 24 * 1024 * 1024;
    const entry = tenant.addEntry({ name: 'Big', attachments: { 'big.bin': size } });
    const task = await exportEntry(api, entry.id, 'pdf');
    const download = await fetch(task.response!.downloadURL);
    const zip = Buffer.from(await download.arrayBuffer());
    assert.equal(Number(download.headers.get('content-length')), zip.length);
    const files = await unzip(zip);
    assert.ok(files.get('Big.pdf')!.subarray(0, 5).equals(Buffer.from('%PDF-')));
    assert.ok(files.get('big.bin')!.equals(await bytesOf(generatedBytes('big.bin', size))));
  });

  test('the export captures the entry when it starts; unknown entries and formats are refused', async () => {
    const entry = tenant.addEntry({ name: 'Before', attachments: { 'a.txt': 'one' } });
    const started = (await (await api.send('POST', '/exports', { id: entry.id, format: 'html' })).json()) as { taskId: string };
    tenant.updateEntry(entry.id, { name: 'After', attachments: { 'b.txt': 'two' } });
    let task: { status: string; response?: { downloadURL: string } };
    do task = (await (await api.get(`/tasks/${started.taskId}`)).json()) as typeof task;
    while (task.status === 'RUNNING');
    const files = await unzip(Buffer.from(await (await fetch(task.response!.downloadURL)).arrayBuffer()));
    assert.deepEqual([...files.keys()].sort(), ['Before.html', 'a.txt']);
    const unknown = await api.send('POST', '/exports', { id: 'etr_nothere', format: 'html' });
    assert.equal(unknown.status, 400, "Benchling's contract lists 400 as this call's only refusal");
    assert.equal(((await unknown.json()) as { error: { invalidId: string } }).error.invalidId, 'etr_nothere');
    assert.equal((await api.send('POST', '/exports', { id: entry.id, format: 'docx' })).status, 400);
    assert.equal((await api.send('POST', '/exports', { id: entry.id, format: 'html', colour: 'red' })).status, 400, 'a closed body');
    assert.equal((await api.get('/tasks/no-such-task')).status, 404);
  });
});

describe('sandbox tenant: app canvases', () => {
  let tenant: SandboxTenant;
  let api: Api;
  before(async () => {
    tenant = await new SandboxTenant({ rateLimit: false }).start();
    api = await apiFor(tenant);
  });
  after(() => tenant.stop());

  const blocks = [
    { type: 'MARKDOWN', id: 'md', value: '**Package** ready' },
    { type: 'SECTION', id: 'row', children: [{ type: 'BUTTON', id: 'update-package', text: 'Update' }] },
  ];

  test('create, get and patch a canvas; every write is recorded in order with its body', async () => {
    const request = { appId: tenant.appId, featureId: 'quilt_entry', resourceId: tenant.demoEntry.id, blocks };
    const created = await api.send('POST', '/app-canvases', request);
    assert.equal(created.status, 201);
    const canvas = (await created.json()) as { id: string; resourceId: string; app: { id: string } };
    assert.match(canvas.id, /^cnvs_/);
    assert.equal(canvas.app.id, tenant.appId);
    const replacement = [{ type: 'MARKDOWN', value: 'Working…' }];
    const patched = await api.send('PATCH', `/app-canvases/${canvas.id}`, { blocks: replacement, enabled: false, data: '{"v":1}' });
    assert.equal(patched.status, 200);
    const current = (await (await api.get(`/app-canvases/${canvas.id}`)).json()) as Record<string, unknown>;
    assert.deepEqual(current.blocks, replacement, 'blocks replace the whole list');
    assert.equal(current.enabled, false);
    assert.equal(current.resourceId, tenant.demoEntry.id);
    assert.deepEqual(
      tenant.canvasWrites.map((w) => [w.method, w.canvasId, w.status]),
      [
        ['POST', canvas.id, 201],
        ['PATCH', canvas.id, 200],
      ],
    );
    assert.deepEqual(tenant.canvasWrites[0]!.body, request);
    assert.ok(tenant.canvasWrites[1]!.at >= tenant.canvasWrites[0]!.at);
  });

  test('invalid canvas bodies are 400 and still recorded', async () => {
    const base = { appId: tenant.appId, featureId: 'quilt_entry', resourceId: tenant.demoEntry.id, blocks };
    const canvas = (await (await api.send('POST', '/app-canvases', base)).json()) as { id: string };
    const before = tenant.canvasWrites.length;
    const refusals: [string, unknown][] = [
      ['missing blocks', { ...base, blocks: undefined }],
      ['missing resourceId', { ...base, resourceId: undefined }],
      ['another app', { ...base, appId: 'app_someoneelse' }],
      ['unknown entry', { ...base, resourceId: 'etr_nothere' }],
      ['button without text', { ...base, blocks: [{ type: 'BUTTON', id: 'b' }] }],
      ['nested section', { ...base, blocks: [{ type: 'SECTION', children: [{ type: 'SECTION', children: [] }] }] }],
      ['data over 5 KB', { ...base, data: 'x'.repeat(5000) }],
      ['a field the contract does not have', { ...base, colour: 'red' }],
      ['a markdown block with a field it does not have', { ...base, blocks: [{ type: 'MARKDOWN', value: 'x', colour: 'red' }] }],
      ['a block of no known type', { ...base, blocks: [{ type: 'CAROUSEL', id: 'c' }] }],
    ];
    for (const [why, body] of refusals) {
      assert.equal((await api.send('POST', '/app-canvases', body)).status, 400, why);
    }
    assert.equal((await api.send('PATCH', `/app-canvases/${canvas.id}`, { data: { not: 'a string' } })).status, 400);
    assert.equal((await api.send('PATCH', `/app-canvases/${canvas.id}`, { data: 'y'.repeat(6000) })).status, 400);
    assert.equal((await api.send('PATCH', `/app-canvases/${canvas.id}`, { data: 'y'.repeat(4999) })).status, 200);
    assert.equal((await api.send('PATCH', '/app-canvases/cnvs_nothere', { blocks })).status, 404);
    assert.equal((await api.get('/app-canvases/cnvs_nothere')).status, 404);
    assert.equal((await api.send('PATCH', `/app-canvases/${canvas.id}`, { appId: tenant.appId })).status, 400, 'an update does not name the app');
    const statuses = tenant.canvasWrites.slice(before).map((w) => w.status);
    assert.deepEqual(statuses, [400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 200, 404, 400]);
  });

  test('a canvas inserted by a user exists with no blocks until the app patches it', async () => {
    const inserted = tenant.insertCanvas(tenant.demoEntry.id);
    const fetched = (await (await api.get(`/app-canvases/${inserted.id}`)).json()) as { blocks: unknown[]; featureId: string };
    assert.deepEqual(fetched.blocks, []);
    assert.equal(fetched.featureId, 'quilt_entry');
  });

  test("another app's canvas: readable, with that app and any saved data; a PATCH of it is 403 and recorded", async () => {
    const inserted = tenant.insertCanvas(tenant.demoEntry.id, { appId: 'app_someoneelse', data: '{"v":1}' });
    const fetched = (await (await api.get(`/app-canvases/${inserted.id}`)).json()) as { app: { id: string }; data: string; resourceId: string };
    assert.deepEqual([fetched.app.id, fetched.data, fetched.resourceId], ['app_someoneelse', '{"v":1}', tenant.demoEntry.id]);
    const refused = await api.send('PATCH', `/app-canvases/${inserted.id}`, { blocks });
    assert.equal(refused.status, 403);
    assert.deepEqual(tenant.canvasWrites.at(-1)!.status, 403);
    assert.deepEqual(tenant.canvas(inserted.id)!.blocks, [], 'unchanged');
  });
});
