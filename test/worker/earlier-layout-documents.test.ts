import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { linksDocument, type NamedLink } from '../../src/worker/entry-documents.ts';
import { fieldEntities, resultsTables } from '../../src/worker/entry-entities.ts';
import { entryJson, userLine } from '../../src/worker/entry-json.ts';
import { commitMessage, entryEventType, inputDocument } from '../../src/worker/package-provenance.ts';

/** The documents of the earlier layout, as pure functions of whatever Benchling answers. */

const targets = { tenant: 'https://acme.benchling.com' };
const LINK_TYPES = ['custom_entity_link', 'dna_sequence_link', 'entity_link', 'entry_link', 'storage_link'];
const OTHER_TYPES = ['text', 'integer', 'dropdown', 'blob_link', 'json'];
const id = fc.constantFrom('bfi_a', 'bfi_b', 'seq_c', 'etr_d', 'prtn_e', 'zzz_f', '');
const fieldValue = fc.oneof(id, fc.array(id, { maxLength: 3 }), fc.integer(), fc.constant(null), fc.boolean(), fc.dictionary(fc.string(), fc.string()));
const field = fc.record({ type: fc.oneof(fc.constantFrom(...LINK_TYPES, ...OTHER_TYPES), fc.anything()), value: fieldValue }, { requiredKeys: [] });
const fields = fc.dictionary(fc.string({ maxLength: 6 }), field, { maxKeys: 6 });

const linkIds = (f: { type?: unknown; value?: unknown }): string[] => {
  if (typeof f.type !== 'string' || !LINK_TYPES.includes(f.type)) return [];
  return (Array.isArray(f.value) ? f.value : [f.value]).filter((v): v is string => typeof v === 'string' && v !== '');
};

test('entity-valued fields: each object id once, from link fields only (a blob is not an object), with the field that names it', () => {
  fc.assert(
    fc.property(fields, (f) => {
      const entities = fieldEntities({ fields: f });
      const expected = [...new Set(Object.values(f).flatMap(linkIds))];
      assert.deepEqual(entities.map((e) => e.id), expected);
      for (const e of entities) {
        const named = f[e.field];
        assert.ok(named && linkIds(named).includes(e.id), `${e.id} is named by ${e.field}`);
        assert.ok(!e.type.endsWith('_link') && e.type.length > 0);
      }
    }),
    { numRuns: 1_000 },
  );
  assert.deepEqual(fieldEntities({ fields: { A: { type: 'entity_link', value: 'seq_1' }, B: { type: 'entity_link', value: 'xyz_1' }, C: { type: 'custom_entity_link', value: ['bfi_1'] } } }), [
    { id: 'seq_1', type: 'dna_sequence', field: 'A' },
    { id: 'xyz_1', type: 'entity', field: 'B' },
    { id: 'bfi_1', type: 'custom_entity', field: 'C' },
  ]);
});

test('results tables: every results_table note in order, each identifier a string or null', () => {
  const note = fc.record({ type: fc.constantFrom('results_table', 'text', 'table'), apiId: fc.anything(), name: fc.anything(), assayResultSchemaId: fc.anything() }, { requiredKeys: ['type'] });
  fc.assert(
    fc.property(fc.array(fc.record({ notes: fc.array(note, { maxLength: 4 }) }), { maxLength: 3 }), (days) => {
      const tables = resultsTables({ days });
      const notes = days.flatMap((d) => d.notes).filter((n) => n.type === 'results_table');
      assert.equal(tables.length, notes.length);
      tables.forEach((t, i) => {
        const n = notes[i]!;
        assert.equal(t.api_id, typeof n.apiId === 'string' ? n.apiId : null);
        assert.equal(t.name, typeof n.name === 'string' ? n.name : null);
        assert.equal(t.assay_result_schema_id, typeof n.assayResultSchemaId === 'string' ? n.assayResultSchemaId : null);
      });
    }),
    { numRuns: 500 },
  );
});

test('links.json v2: an object a note links and a field names is one entity, a note link; every field entity is there once', () => {
  const named = (linkId: string | null): NamedLink => ({ id: linkId, type: 'custom_entity', name: null, web_url: null });
  fc.assert(
    fc.property(fc.uniqueArray(id, { maxLength: 4 }), fields, (noteIds, f) => {
      const structure = { fieldEntities: fieldEntities({ fields: f }), resultsTables: [] };
      const doc = JSON.parse(linksDocument(noteIds.map(named), targets, structure)) as { schema_version: number; entities: { id: string; source: string }[] };
      assert.equal(doc.schema_version, 2);
      const ids = doc.entities.map((e) => e.id);
      assert.equal(new Set(ids).size, ids.length, 'no object twice');
      for (const e of structure.fieldEntities) assert.equal(doc.entities.find((x) => x.id === e.id)?.source, (noteIds as string[]).includes(e.id) ? 'note_link' : 'entity_field');
      assert.deepEqual(doc.entities.filter((e) => e.source === 'note_link').map((e) => e.id), noteIds);
    }),
    { numRuns: 500 },
  );
});

test('commit message and input.json are the same for every job of an unchanged entry; input.json has no export URL', () => {
  const time = fc.option(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), { nil: undefined });
  fc.assert(
    fc.property(time, time, fc.string(), (createdAt, modifiedAt, registry) => {
      const entry = { createdAt, modifiedAt };
      const message = commitMessage(entry);
      assert.equal(message, commitMessage({ ...entry }));
      assert.match(message, /^Benchling v2\.entry\.(created|updated)( at \S+)?$/);
      assert.equal(entryEventType(entry), modifiedAt === undefined || modifiedAt === createdAt ? 'v2.entry.created' : 'v2.entry.updated');
      const input = inputDocument(entry, { name: 'benchling/EXP1', registry, totalFiles: 2 });
      assert.deepEqual(Object.keys(input).sort(), ['package_metadata', 'processing_timestamp', 'source']);
      assert.equal(input.processing_timestamp, modifiedAt ?? '');
    }),
    { numRuns: 500 },
  );
});

test('entry.json: the creator as one string, canvas_id only when known, files by key and size', () => {
  assert.equal(userLine({ id: 'ent_1', name: 'Ada Lovelace', handle: 'ada' }), 'Ada Lovelace <ada@ent_1>');
  assert.equal(userLine(undefined), '');
  assert.equal(userLine({}), '');
  const context = { packageName: 'benchling/EXP1', benchlingBaseUrl: 'https://acme.benchling.com', files: [{ logicalKey: 'a.csv', key: 'benchling/EXP1/a.csv', size: 3 }], links: [] };
  const without = entryJson({ id: 'etr_1' }, context);
  assert.ok(!('canvas_id' in without));
  assert.deepEqual(without.files, { 'a.csv': { s3_key: 'benchling/EXP1/a.csv', size: 3 } });
  assert.equal(without.creator, '');
  assert.equal(without.creator_user, null);
  assert.equal(without.export_timestamp, '');
  assert.equal(without.webhook_data, null);
  assert.equal(entryJson({ id: 'etr_1' }, { ...context, canvasId: 'cnvs_1' }).canvas_id, 'cnvs_1');
});
