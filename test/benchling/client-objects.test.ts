import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { isLinkedObjectKind } from '../../src/benchling/linked-objects.ts';
import { entryField, SandboxTenant } from '../../src/sandbox/index.ts';
import { appError, clientFor } from './client-fixtures.ts';

const ENTRY = 'GET /api/v2/entries/{id}';

describe('BenchlingClient: entries, linked objects, canvases', () => {
  let tenant: SandboxTenant;
  before(async () => {
    tenant = await new SandboxTenant({ rateLimit: false }).start();
  });
  after(() => tenant.stop());
  beforeEach(() => {
    tenant.faults.clear();
    tenant.log.clear();
  });

  test('getEntry returns the typed entry and keeps the fields it does not model', async () => {
    const created = tenant.addEntry({ name: 'Yield study', fields: { Yield: entryField('42', 'float') } });
    const entry = await clientFor(tenant).getEntry(created.id);
    assert.equal(entry.displayId, created.displayId);
    assert.equal(entry.creator?.handle, 'ada');
    assert.deepEqual(entry.fields, created.fields);
    assert.equal(entry.folderId, created.folderId, 'unknown fields are kept');
    assert.deepEqual(entry.days, created.days);
  });

  test('null where an optional part is expected reads as absent', async () => {
    const { creator: _creator, days: _days, ...rest } = tenant.demoEntry;
    tenant.failNext(ENTRY, { status: 200, body: { entry: { ...rest, creator: null, days: null, authors: null } } });
    const entry = await clientFor(tenant).getEntry(rest.id);
    assert.equal(entry.creator, undefined);
    assert.equal(entry.days, undefined);
    assert.equal(entry.authors, undefined);
  });

  test('an entry with nothing but what the contract promises (nothing) is read, with the id it was asked by', async () => {
    tenant.failNext(ENTRY, { status: 200, body: { entry: {} } });
    const entry = await clientFor(tenant).getEntry('etr_1');
    assert.deepEqual({ ...entry }, { id: 'etr_1' });
  });

  test('an entry answer with a field of the wrong type, without its entry, or about another entry is BENCHLING_BAD_RESPONSE naming why', async () => {
    tenant.failNext(ENTRY, { status: 200, body: { entry: { id: 'etr_1', name: 5 } } });
    await assert.rejects(clientFor(tenant).getEntry('etr_1'), appError('BENCHLING_BAD_RESPONSE', /entry\.name: Invalid input: expected string, received number/));
    tenant.failNext(ENTRY, { status: 200, body: {} });
    await assert.rejects(clientFor(tenant).getEntry('etr_1'), appError('BENCHLING_BAD_RESPONSE', /entry: Invalid input: expected object, received undefined/));
    tenant.failNext(ENTRY, { status: 200, body: { entry: { id: 'etr_2' } } });
    await assert.rejects(clientFor(tenant).getEntry('etr_1'), appError('BENCHLING_BAD_RESPONSE', /GET \/api\/v2\/entries\/etr_1 describes "etr_2", not etr_1/));
  });

  test('an id that is not Benchling\'s id shape is refused before any call, by every method that names one', async () => {
    const client = clientFor(tenant);
    await client.authenticate();
    tenant.log.clear();
    const canvas = { appId: tenant.appId, featureId: tenant.featureId, resourceId: tenant.demoEntry.id, blocks: [] };
    for (const bad of ['..', '.', '', '../tasks/x', '%2F', 'etr_1?x', 'etr_1#x', 'etr_1/..', 'x'.repeat(201)]) {
      const refused = appError('BENCHLING_INVALID_ID', /^Refused to call Benchling with (entry|task|canvas|app|resource) id .*: a Benchling id is letters/);
      await assert.rejects(client.getEntry(bad), refused, bad);
      await assert.rejects(client.startExport(bad), refused, bad);
      await assert.rejects(client.waitForTask(bad), refused, bad);
      await assert.rejects(client.exportEntryZip(bad, '/nonexistent'), refused, bad);
      await assert.rejects(client.getCanvas(bad), refused, bad);
      await assert.rejects(client.updateCanvas(bad, { enabled: true }), refused, bad);
      await assert.rejects(client.createCanvas({ ...canvas, appId: bad }), refused, bad);
      await assert.rejects(client.createCanvas({ ...canvas, resourceId: bad }), refused, bad);
      assert.equal(await client.getLinkedName('custom_entity', bad), undefined, 'an unnamed link, not a failed package');
    }
    assert.deepEqual(tenant.log.entries, [], 'nothing reached the tenant');
  });

  test('getLinkedName names custom entities, DNA sequences and entries; unknown or hidden objects give undefined', async () => {
    const client = clientFor(tenant);
    const plasmid = tenant.addLinkedObject('custom_entity', 'pUC19 stock');
    const sequence = tenant.addLinkedObject('dna_sequence', 'GFP insert');
    assert.equal(await client.getLinkedName('custom_entity', plasmid.id), 'pUC19 stock');
    assert.equal(await client.getLinkedName('dna_sequence', sequence.id), 'GFP insert');
    assert.equal(await client.getLinkedName('entry', tenant.demoEntry.id), tenant.demoEntry.name);
    assert.equal(await client.getLinkedName('custom_entity', sequence.id), undefined);
    tenant.failNext('GET /api/v2/custom-entities/{id}', { status: 403 });
    assert.equal(await client.getLinkedName('custom_entity', plasmid.id), undefined);
    tenant.failNext('GET /api/v2/custom-entities/{id}', { status: 400 });
    await assert.rejects(client.getLinkedName('custom_entity', plasmid.id), appError('BENCHLING_REQUEST_REJECTED'));
    assert.ok(isLinkedObjectKind('dna_sequence'));
    assert.ok(!isLinkedObjectKind('toString'));
  });

  test('createCanvas, getCanvas and updateCanvas round-trip through the tenant', async () => {
    const client = clientFor(tenant);
    const blocks = [{ type: 'MARKDOWN', value: '**Packaging…**', id: 'status' }];
    const created = await client.createCanvas({ appId: tenant.appId, featureId: tenant.featureId, resourceId: tenant.demoEntry.id, blocks, enabled: false });
    assert.match(created.id ?? '', /^cnvs_/);
    assert.equal(created.resourceId, tenant.demoEntry.id);
    const updated = await client.updateCanvas(created.id!, { blocks: [{ type: 'BUTTON', id: 'update-package', text: 'Update' }], enabled: true, data: '{"v":1}' });
    assert.equal(updated.enabled, true);
    const fetched = await client.getCanvas(created.id!);
    assert.deepEqual(fetched.blocks, [{ type: 'BUTTON', id: 'update-package', text: 'Update' }]);
    assert.equal(fetched.data, '{"v":1}');
    assert.deepEqual(
      tenant.canvasWrites.map((w) => [w.method, w.status]),
      [
        ['POST', 201],
        ['PATCH', 200],
      ],
    );
  });

  test('updating a canvas that does not exist is BENCHLING_NOT_FOUND', async () => {
    await assert.rejects(clientFor(tenant).updateCanvas('cnvs_gone', { enabled: false }), appError('BENCHLING_NOT_FOUND', /App canvas not found: cnvs_gone/));
  });
});
