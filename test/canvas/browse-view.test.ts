import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeButtonId } from '../../src/canvas/button-id.ts';
import { browseView, FILES_PER_PAGE } from '../../src/canvas/browse-view.ts';
import { buttonsOf, CATALOG, ctx, ENTRY_ID, files, layout, markdownOf, noCatalog, PACKAGE, state } from './fixtures.ts';

const fileLines = (md: string) => md.split('\n').filter((line) => line.startsWith('- '));
const buttons = (view: ReturnType<typeof browseView>) =>
  buttonsOf(view).map((b) => {
    const decoded = decodeButtonId(b.id);
    assert.ok(decoded.ok && b.enabled);
    return [b.text, decoded.button.action === 'browse' ? decoded.button.page : decoded.button.action];
  });

test('40 files browse as 3 pages of 15, 15 and 10, with only the arrows that make sense', () => {
  const listing = { name: PACKAGE, files: files(40) };
  const pages = [0, 1, 2].map((page) => browseView(ctx, state, listing, page));
  assert.deepEqual(
    pages.map((view) => fileLines(markdownOf(view)).length),
    [15, 15, 10],
  );
  assert.deepEqual(buttons(pages[0]!), [['Next page', 1], ['View metadata', 'metadata'], ['Back to entry', 'back']]);
  assert.deepEqual(buttons(pages[1]!), [['Previous page', 0], ['Next page', 2], ['View metadata', 'metadata'], ['Back to entry', 'back']]);
  assert.deepEqual(buttons(pages[2]!), [['Previous page', 1], ['View metadata', 'metadata'], ['Back to entry', 'back']]);
  assert.ok(markdownOf(pages[0]!).includes('Page 1 of 3 · files 1–15 of 40'));
  assert.ok(markdownOf(pages[2]!).includes('Page 3 of 3 · files 31–40 of 40'));
  assert.deepEqual(layout(pages[1]!), ['MARKDOWN:browse', 'SECTION:browse-buttons']);
  // Every file appears once across the pages, in order.
  const all = pages.flatMap((view) => fileLines(markdownOf(view)));
  assert.equal(new Set(all).size, 40);
  assert.ok(all[0]!.startsWith('- [data\\/sample\\-01\\.csv]') && all[39]!.startsWith('- [data\\/sample\\-40\\.csv]'));
});

test('each file is a catalog link to the latest revision, with its size', () => {
  const view = browseView(ctx, state, { name: PACKAGE, files: [{ logicalKey: 'raw data/plate (1).csv', size: 1536 }] }, 0);
  assert.deepEqual(fileLines(markdownOf(view)), [
    `- [raw data\\/plate \\(1\\)\\.csv](https://${CATALOG}/b/quilt-bucket/packages/benchling/EXP00001234/tree/latest/raw%20data/plate%20%281%29.csv) · 1.5 KiB`,
  ]);
  assert.deepEqual(fileLines(markdownOf(browseView(noCatalog, state, { name: PACKAGE, files: [{ logicalKey: 'a.txt', size: 12 }] }, 0))), ['- a\\.txt · 12 B']);
});

test('pages out of range show the nearest page; natural order sorts run 2 before run 10', () => {
  const listing = { name: PACKAGE, files: files(40) };
  assert.deepEqual(browseView(ctx, state, listing, 99), browseView(ctx, state, listing, 2));
  assert.deepEqual(browseView(ctx, state, listing, -3), browseView(ctx, state, listing, 0));
  const sorted = fileLines(markdownOf(browseView(noCatalog, state, { name: PACKAGE, files: [{ logicalKey: 'run 10', size: 1 }, { logicalKey: 'run 2', size: 1 }] }, 0)));
  assert.deepEqual(sorted, ['- run 2 · 1 B', '- run 10 · 1 B']);
});

test('an empty package is one page with no arrows', () => {
  const view = browseView(ctx, state, { name: PACKAGE, files: [] }, 0);
  assert.ok(markdownOf(view).includes('Page 1 of 1 · no files\n\nThis package has no files.'));
  assert.deepEqual(buttonsOf(view).map((b) => b.text), ['View metadata', 'Back to entry']);
});

test('a linked package: its name is in every browse and metadata id, back goes to the entry', () => {
  const view = browseView(ctx, state, { name: 'team/assay-7', files: files(FILES_PER_PAGE + 1) }, 0);
  assert.match(markdownOf(view), /^## Files in linked package team\\\/assay\\-7\n/);
  const decoded = buttonsOf(view).map((b) => decodeButtonId(b.id));
  assert.deepEqual(decoded, [
    { ok: true, button: { action: 'browse', entryId: ENTRY_ID, packageName: 'team/assay-7', page: 1 } },
    { ok: true, button: { action: 'metadata', entryId: ENTRY_ID, packageName: 'team/assay-7' } },
    { ok: true, button: { action: 'back', entryId: ENTRY_ID } },
  ]);
  assert.ok(markdownOf(view).includes(`](https://${CATALOG}/b/quilt-bucket/packages/team/assay-7/tree/latest/data/sample-01.csv)`));
});
