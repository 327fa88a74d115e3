import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ZodType } from 'zod';
import { CanvasCreateSchema, CanvasUpdateSchema } from '../../src/sandbox/canvas-schema.ts';
import { ExportRequestSchema } from '../../src/sandbox/routes/export-routes.ts';
import { benchlingSpec } from '../support/openapi-spec.ts';
import type { JsonSchema } from '../support/openapi-schema.ts';
import { schemaArbitrary } from '../support/schema-arbitrary.ts';

/**
 * The sandbox checks request bodies with zod schemas of its own (it cannot ship Benchling's
 * spec). They must not drift from the spec: on bodies the spec allows and on the same bodies
 * broken in one place (a field removed, one given another value, an unknown one added, at
 * any depth), the sandbox's verdict is the spec's.
 */

const spec = benchlingSpec();
const RUNS = { seed: 17, numRuns: 1_000, interruptAfterTimeLimit: 60_000 };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every place in a JSON value: the path to it, as keys and indices. */
function placesIn(value: Json, path: (string | number)[] = []): (string | number)[][] {
  const here = [path];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => placesIn(v, [...path, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => placesIn(v, [...path, k]))];
  return here;
}

type Mutation = { kind: 'remove' } | { kind: 'replace'; value: Json } | { kind: 'add'; key: string; value: Json };

function mutated(body: Json, path: (string | number)[], mutation: Mutation): Json {
  const copy = structuredClone(body);
  if (path.length === 0) {
    if (mutation.kind === 'replace') return mutation.value;
    if (mutation.kind === 'add' && copy !== null && typeof copy === 'object' && !Array.isArray(copy)) copy[mutation.key] = mutation.value;
    return copy;
  }
  const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, copy) as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (mutation.kind === 'remove') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (mutation.kind === 'replace') {
    parent[last] = mutation.value;
  } else {
    const target = parent[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target)) target[mutation.key] = mutation.value;
  }
  return copy;
}

const isObject = (value: Json): value is { [key: string]: Json } => value !== null && typeof value === 'object' && !Array.isArray(value);

const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.string({ minLength: 45, maxLength: 60 })) as fc.Arbitrary<Json>;

/** A spec-valid body, or that body broken in one place: a value removed or replaced, or a property added to an object. */
function bodiesFor(schema: JsonSchema): fc.Arbitrary<Json> {
  const valid = schemaArbitrary(schema, { resolve: (s) => spec.resolve(s) }) as fc.Arbitrary<Json>;
  const broken = valid.chain((body) => {
    const places = placesIn(body);
    const objects = places.filter((path) => isObject(path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, body)));
    const removeOrReplace = fc.tuple(fc.constantFrom(...places), fc.oneof(fc.constant({ kind: 'remove' as const }), anyValue.map((value) => ({ kind: 'replace' as const, value }))));
    const add = fc.tuple(fc.constantFrom(...objects), fc.tuple(fc.constantFrom('colour', 'type', 'id', 'value', 'text', 'children'), anyValue).map(([key, value]) => ({ kind: 'add' as const, key, value })));
    return fc.oneof(removeOrReplace, add).map(([path, m]) => mutated(body, path, m));
  });
  return fc.oneof(valid, broken);
}

function agreesWithSpec(name: string, schema: JsonSchema, sandbox: ZodType): void {
  let accepted = 0;
  let refused = 0;
  fc.assert(
    fc.property(bodiesFor(schema), (body) => {
      const violations = spec.violations(schema, body);
      const verdict = sandbox.safeParse(body);
      if (violations.length === 0) accepted++;
      else refused++;
      assert.equal(verdict.success, violations.length === 0, `${name} ${JSON.stringify(body)}: spec ${JSON.stringify(violations.slice(0, 3))}, sandbox ${JSON.stringify(verdict.error?.issues.slice(0, 3))}`);
    }),
    RUNS,
  );
  assert.ok(accepted > RUNS.numRuns / 10 && refused > RUNS.numRuns / 10, `${name}: both verdicts exercised (${accepted} accepted, ${refused} refused)`);
}

test('the sandbox accepts exactly the canvas create bodies the spec allows (AppCanvasCreate)', () => {
  agreesWithSpec('AppCanvasCreate', spec.component('AppCanvasCreate'), CanvasCreateSchema);
});

test('the sandbox accepts exactly the canvas update bodies the spec allows (AppCanvasUpdate)', () => {
  agreesWithSpec('AppCanvasUpdate', spec.component('AppCanvasUpdate'), CanvasUpdateSchema);
});

test('the sandbox accepts exactly the export requests the spec allows (ExportItemRequest)', () => {
  agreesWithSpec('ExportItemRequest', spec.component('ExportItemRequest'), ExportRequestSchema);
});

test('the one limit the sandbox adds is the one the spec states in prose: canvas data under 5 KB', () => {
  const body = { appId: 'app_1', featureId: 'f', resourceId: 'etr_1', blocks: [], data: 'x'.repeat(5000) };
  assert.deepEqual(spec.violations(spec.component('AppCanvasCreate'), body), [], 'the schema alone allows it');
  assert.match(JSON.stringify(spec.defs.AppCanvasWriteBase), /must be valid JSON in string format less than 5kb/, 'the prose it comes from');
  assert.equal(CanvasCreateSchema.safeParse(body).success, false);
  assert.equal(CanvasCreateSchema.safeParse({ ...body, data: 'x'.repeat(4999) }).success, true);
});
