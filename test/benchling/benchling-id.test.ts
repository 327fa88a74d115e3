import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { MAX_BENCHLING_ID_LENGTH, benchlingIdSchema, isBenchlingId, quoteRefusedId } from '../../src/benchling/benchling-id.ts';
import { benchlingId } from '../../src/sandbox/ids.ts';

/** Every path-parameter example of Benchling's OpenAPI spec, and the task id its export example answers with. */
const DOCUMENTED_IDS = [
  'aci_e59sjL23Pqn30xHg',
  'app_J39na03L1nsLS34o',
  'app_e59sjL23Pqn30xHg',
  'cnvs_Q4mPJ34a',
  'dataset_Q6uhNZvw',
  'dset_LlDFupKyErxx',
  'entity_registry_id_001',
  'etr_IWLMtEvN',
  'f438d656-c2c3-40a4-b3fd-d7e58db78242',
  'file_Of5GuBSq',
  'prs_giVNQcTL',
  'prstsch_KnR9iVum',
  'req_JekfeyVS',
  'reqffm_8Hm71Usw',
  'seq_yWs5X7lv',
  'sesn_J2PGE0Z516Y',
  'wffc_giVNQcAF',
  'wffccv_giVNQcAF',
  'wfout_5cJLQKVF',
  'wftask_OnnsW08k',
  'task_b2ZtLWZha2UtZGVwbG95LWhlbGxvX3dvcmxkOm9mbS1mYWtlLWRlcGxveS1oZWxsb193b3JsZC1zZXEtMTIzNDU2Nzg=',
];

const prefix = fc.stringMatching(/^[a-z]{2,8}$/);
const base62 = fc.stringMatching(/^[A-Za-z0-9]{1,24}$/);
/** Ids as Benchling and the sandbox make them: prefixed base62, UUIDs, padded base64 task ids. */
const realId = fc.oneof(
  fc.tuple(prefix, base62).map(([p, tail]) => `${p}_${tail}`),
  fc.uuid(),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 60 }), fc.boolean()).map(([bytes, url]) => `task_${Buffer.from(bytes).toString(url ? 'base64url' : 'base64').replace(/[+/]/g, 'A')}`),
);

/** Whatever else could reach a path: dot segments, separators, escapes, query and fragment marks, space, other scripts. */
const PATH_CHANGERS = ['.', '..', '/', '\\', '%2F', '%2e%2e', '?', '#', ' ', '\t', '\n', '\0', ':', '@', ';', '&', '+', '~', '%', 'é', '\u202e', '\uff0f'];

const refusedId = fc.oneof(
  fc.constantFrom('', '.', '..', '../tasks/x', '%2F', '..%2F..', 'etr_1/..', 'etr_1?x=1', 'etr_1#top', ' etr_1', 'etr_1 ', '=etr', '_etr_1', '-etr_1', 'etr_1===', 'etr=_1'),
  fc.tuple(realId, fc.constantFrom(...PATH_CHANGERS), fc.nat({ max: 30 })).map(([id, bad, at]) => {
    const i = Math.min(at, id.length);
    return `${id.slice(0, i)}${bad}${id.slice(i)}`;
  }),
  fc.stringMatching(/^[A-Za-z0-9]+$/).map((tail) => `etr_${tail.repeat(Math.ceil((MAX_BENCHLING_ID_LENGTH + 1) / tail.length))}`),
);

test('real Benchling ids pass: every documented example, the sandbox generator, UUIDs, base64 task ids', () => {
  for (const id of DOCUMENTED_IDS) assert.ok(isBenchlingId(id), id);
  for (const p of ['etr', 'cnvs', 'app', 'appdef', 'ten', 'evt', 'bfi', 'seq', 'exfl', 'lib', 'ts', 'ent', 'msg']) {
    for (let i = 0; i < 50; i++) assert.ok(isBenchlingId(benchlingId(p, 8 + (i % 20))), p);
  }
  for (let i = 0; i < 200; i++) assert.ok(isBenchlingId(randomUUID()));
  fc.assert(
    fc.property(realId, (id) => {
      fc.pre(id.length <= MAX_BENCHLING_ID_LENGTH);
      assert.ok(isBenchlingId(id), id);
      assert.ok(benchlingIdSchema.safeParse(id).success);
    }),
    { numRuns: 2_000 },
  );
});

test('anything that is not one is refused: dot segments, slashes, escapes, query, fragment, whitespace, empty, overlong', () => {
  fc.assert(
    fc.property(refusedId, (id) => {
      assert.equal(isBenchlingId(id), false, JSON.stringify(id));
      const parsed = benchlingIdSchema.safeParse(id);
      assert.equal(parsed.success, false);
      assert.ok(!parsed.success && /not a Benchling id/.test(parsed.error.issues[0]!.message));
    }),
    { numRuns: 3_000 },
  );
  for (const notText of [undefined, null, 42, ['etr_1'], { id: 'etr_1' }]) assert.equal(isBenchlingId(notText), false);
});

test('an id that passes is exactly one path segment: the URL parser keeps it, unchanged, under its collection', () => {
  fc.assert(
    fc.property(fc.oneof(realId, fc.string({ maxLength: 40 }), refusedId), (id) => {
      fc.pre(isBenchlingId(id));
      const url = new URL(`https://acme.benchling.com/api/v2/entries/${id}`);
      assert.equal(url.pathname, `/api/v2/entries/${id}`);
      assert.equal(url.pathname.split('/').length, 5);
      assert.equal(url.search + url.hash, '');
    }),
    { numRuns: 3_000 },
  );
});

test('a refused id is quoted short and escaped, so it cannot forge or flood a log line', () => {
  assert.equal(quoteRefusedId('..'), '".."');
  assert.equal(quoteRefusedId('a\nb'), '"a\\nb"');
  const long = quoteRefusedId('x'.repeat(10_000));
  assert.ok(long.length < 50, long);
});
