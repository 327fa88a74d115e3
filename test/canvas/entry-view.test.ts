import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeButtonId } from '../../src/canvas/button-id.ts';
import { mainView, updatingView } from '../../src/canvas/entry-view.ts';
import { MAX_LINKED_BUTTONS, MAX_LINKED_SHOWN } from '../../src/canvas/limits.ts';
import { CANVAS_DATA_LIMIT_BYTES, parseCanvasState } from '../../src/canvas/state.ts';
import { buttonsOf, CATALOG, ctx, ENTRY_ID, layout, markdownOf, noCatalog, PACKAGE, state, unpackaged } from './fixtures.ts';

const actionsOf = (view: ReturnType<typeof mainView>) =>
  buttonsOf(view).map((button) => {
    const decoded = decodeButtonId(button.id);
    assert.ok(decoded.ok, button.id);
    return { text: button.text, enabled: button.enabled, ...decoded.button };
  });

test('main view: layout, texts, links and buttons', () => {
  const view = mainView(ctx, state);
  assert.deepEqual(layout(view), ['MARKDOWN:main', 'SECTION:main-buttons', 'MARKDOWN:linked', 'SECTION:linked-buttons', 'MARKDOWN:footer']);
  const [main, , linked, , footer] = view.blocks.map((block) => (block.type === 'MARKDOWN' ? block.value : ''));
  assert.match(main!, /^## EXP00001234\n\nGrowth curve\\, run 2\n/);
  assert.ok(main!.includes(`- Package: [benchling\\/EXP00001234](https://${CATALOG}/b/quilt-bucket/packages/benchling/EXP00001234)`));
  const redir = encodeURIComponent(`quilt+s3://quilt-bucket#package=${PACKAGE}:latest&catalog=${CATALOG}`);
  assert.ok(main!.includes(`](https://${CATALOG}/redir/${redir})`), main);
  assert.ok(main!.includes('quilt\\+s3\\:\\/\\/quilt\\-bucket\\#package\\=benchling\\/EXP00001234\\:latest'));
  assert.equal(linked, `### Linked packages\n\n- [team\\/assay\\-7](https://${CATALOG}/b/quilt-bucket/packages/team/assay-7)\n- [team\\/plate\\-reader](https://${CATALOG}/b/quilt-bucket/packages/team/plate-reader)`);
  assert.equal(footer, '*Updated 2025-03-01 10:20 UTC · revision c0ffeec0ffee*');
  assert.deepEqual(actionsOf(view), [
    { text: 'Browse files', enabled: true, action: 'browse', entryId: ENTRY_ID, page: 0 },
    { text: 'View metadata', enabled: true, action: 'metadata', entryId: ENTRY_ID },
    { text: 'Update package', enabled: true, action: 'update', entryId: ENTRY_ID },
    { text: 'Browse team/assay-7', enabled: true, action: 'browse', entryId: ENTRY_ID, packageName: 'team/assay-7', page: 0 },
    { text: 'Browse team/plate-reader', enabled: true, action: 'browse', entryId: ENTRY_ID, packageName: 'team/plate-reader', page: 0 },
  ]);
  assert.deepEqual(parseCanvasState(view.data), { ...state, linkedOmitted: 0 });
});

test('main view without a catalog: names without links and a note saying why', () => {
  const md = markdownOf(mainView(noCatalog, state));
  assert.equal(md.split('](').length - 1, 0);
  assert.ok(md.includes('- Package: benchling\\/EXP00001234\n'));
  assert.ok(md.includes('- Quilt sync: quilt\\+s3\\:\\/\\/quilt\\-bucket\\#package\\=benchling\\/EXP00001234\\:latest\n'));
  assert.ok(md.includes('no Quilt catalog is configured (`QUILT_CATALOG`)'));
  assert.ok(md.includes('- team\\/assay\\-7'));
  const invalid = markdownOf(mainView({ ...ctx, catalog: 'not a host/..' }, state));
  assert.ok(invalid.includes('`QUILT_CATALOG` is not a host name') && !invalid.includes(']('));
  // A scheme and trailing slash in the setting are tolerated.
  assert.ok(markdownOf(mainView({ ...ctx, catalog: 'https://Catalog.Example.com/' }, state)).includes(`](https://${CATALOG}/b/`));
});

test('main view before the first package: file and metadata buttons disabled, Update enabled', () => {
  const view = mainView(ctx, unpackaged);
  assert.deepEqual(layout(view), ['MARKDOWN:main', 'SECTION:main-buttons', 'MARKDOWN:footer']);
  assert.ok(markdownOf(view).includes('No package yet. Press **Update package** to create it.'));
  assert.ok(markdownOf(view).endsWith('*Not packaged yet*'));
  assert.deepEqual(
    buttonsOf(view).map((b) => [b.text, b.enabled]),
    [
      ['Browse files', false],
      ['View metadata', false],
      ['Update package', true],
    ],
  );
});

test('updating view: the same layout, every button disabled, a status line', () => {
  const ready = mainView(ctx, state);
  const updating = updatingView(ctx, state);
  assert.deepEqual(layout(updating), layout(ready));
  assert.deepEqual(
    buttonsOf(updating).map((b) => b.id),
    buttonsOf(ready).map((b) => b.id),
  );
  assert.ok(buttonsOf(updating).every((b) => !b.enabled));
  const footer = updating.blocks.at(-1);
  assert.equal(footer?.type === 'MARKDOWN' && footer.value.split('\n')[0], '⏳ **Updating…** The package is being rebuilt; this canvas refreshes when it is ready.');
  assert.ok(footer?.type === 'MARKDOWN' && footer.value.endsWith('*Last updated 2025-03-01 10:20 UTC · revision c0ffeec0ffee*'));
  assert.equal(updating.data, ready.data);
  const first = updatingView(ctx, unpackaged).blocks.at(-1);
  assert.ok(first?.type === 'MARKDOWN' && !first.value.includes('Last updated'));
});

test('many linked packages: a bounded list with a count, a few buttons, data under 5 KB', () => {
  const linked = Array.from({ length: 120 }, (_, i) => `team/linked-package-with-a-long-name-${i}`);
  const view = mainView(ctx, { ...state, linked: [...linked, ...linked.slice(0, 5)], linkedOmitted: 7 });
  const list = view.blocks.find((b) => b.type === 'MARKDOWN' && b.id === 'linked');
  assert.ok(list?.type === 'MARKDOWN');
  assert.equal(list.value.split('\n').filter((line) => line.startsWith('- [')).length, MAX_LINKED_SHOWN);
  assert.ok(list.value.endsWith(`- …and ${120 - MAX_LINKED_SHOWN + 7} more`));
  const linkedButtons = view.blocks.find((b) => b.id === 'linked-buttons');
  assert.ok(linkedButtons?.type === 'SECTION' && linkedButtons.children.length === MAX_LINKED_BUTTONS);
  assert.ok(Buffer.byteLength(view.data!) < CANVAS_DATA_LIMIT_BYTES);
  // The state re-renders the same list.
  const again = mainView(ctx, parseCanvasState(view.data)!);
  assert.deepEqual(again.blocks, view.blocks);
});

test('a bad update time and an empty display id still render', () => {
  const odd = { ...state, entry: { ...state.entry, displayId: ' \n ' }, package: { ...state.package!, updatedAt: 'yesterday-ish' } };
  const md = markdownOf(mainView(ctx, odd));
  assert.match(md, /^## etr\\_Ab12Cd34\n/);
  assert.ok(md.endsWith('*Updated at an unknown time · revision c0ffeec0ffee*'));
});
