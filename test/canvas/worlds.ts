import fc from 'fast-check';
import type { CanvasView } from '../../src/canvas/blocks.ts';
import { browseView } from '../../src/canvas/browse-view.ts';
import { mainView, updatingView } from '../../src/canvas/entry-view.ts';
import { CANVAS_PROBLEMS, errorView } from '../../src/canvas/error-view.ts';
import type { CanvasContext, CanvasState, PackageFile } from '../../src/canvas/inputs.ts';
import { metadataView } from '../../src/canvas/metadata-view.ts';
import { plainText } from '../../src/canvas/text.ts';
import { hostileString } from './arbitraries.ts';

/** A whole canvas world of hostile text (entry, package, files, metadata), and every view of it. */

type Meta = string | number | null | { list: Meta[] } | { pairs: [string, Meta][] };
const metaTree: fc.Arbitrary<Meta> = fc.letrec<{ node: Meta }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.integer(),
    fc.constant(null),
    fc.record({ list: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ pairs: fc.uniqueArray(fc.tuple(hostileString, tie('node')), { maxLength: 3, selector: ([key]) => key }) }),
  ),
})).node;

function mapMeta(m: Meta, swap: (s: string) => string): Meta {
  if (typeof m === 'string') return swap(m);
  if (m === null || typeof m === 'number') return m;
  if ('list' in m) return { list: m.list.map((x) => mapMeta(x, swap)) };
  return { pairs: m.pairs.map(([k, v]) => [swap(k), mapMeta(v, swap)]) };
}

function toJson(m: Meta): unknown {
  if (m === null || typeof m !== 'object') return m;
  if ('list' in m) return m.list.map(toJson);
  return Object.fromEntries(m.pairs.map(([k, v]) => [k, toJson(v)]));
}

export const world = fc.record({
  entryId: fc.oneof(fc.stringMatching(/^etr_[A-Za-z0-9]{4,10}$/), hostileString.filter((s) => s.length > 0)),
  displayId: hostileString,
  name: hostileString,
  bucket: hostileString,
  catalog: fc.constantFrom<string | undefined>(undefined, 'catalog.example.com', 'https://catalog.example.com/', 'bad host'),
  packageName: hostileString.filter((s) => s.length > 0),
  topHash: hostileString,
  linked: fc.uniqueArray(hostileString.filter((s) => s.length > 0), { maxLength: 8 }),
  files: fc.uniqueArray(fc.tuple(hostileString, fc.nat()), { maxLength: 20, selector: ([key]) => key }),
  meta: fc.uniqueArray(fc.tuple(hostileString, metaTree), { maxLength: 6, selector: ([key]) => key }),
  page: fc.nat(2),
});
export type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

/** The same world with each string replaced by a harmless one that is blank exactly when it was. */
export function harmless(w: World): World {
  let n = 0;
  const swap = (s: string) => (plainText(s) === '' ? s : `t${(n += 1)}`);
  return {
    ...w,
    entryId: swap(w.entryId),
    displayId: swap(w.displayId),
    name: swap(w.name),
    bucket: swap(w.bucket),
    packageName: swap(w.packageName),
    topHash: swap(w.topHash),
    linked: w.linked.map(swap),
    files: w.files.map(([key, size]) => [swap(key), size]),
    meta: w.meta.map(([key, value]) => [swap(key), mapMeta(value, swap)]),
  };
}

export function views(w: World): CanvasView[] {
  const ctx: CanvasContext = { bucket: w.bucket, catalog: w.catalog };
  const state: CanvasState = {
    entry: { id: w.entryId, displayId: w.displayId, name: w.name },
    package: { name: w.packageName, topHash: w.topHash, updatedAt: '2025-01-01T00:00:00Z' },
    linked: w.linked,
  };
  const files: PackageFile[] = w.files.map(([logicalKey, size]) => ({ logicalKey, size }));
  const userMeta = Object.fromEntries(w.meta.map(([key, value]) => [key, toJson(value)]));
  return [
    mainView(ctx, state),
    updatingView(ctx, state),
    mainView(ctx, { entry: state.entry, linked: w.linked }),
    browseView(ctx, state, { name: w.packageName, files }, w.page),
    ...w.linked.slice(0, 1).map((name) => browseView(ctx, state, { name, files }, 0)),
    metadataView(state, { name: w.packageName, userMeta }),
    ...CANVAS_PROBLEMS.slice(0, 2).map((problem) => errorView({ entryId: w.entryId, state, problem, reference: 'job_1' })),
  ];
}
