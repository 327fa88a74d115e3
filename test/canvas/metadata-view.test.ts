import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeButtonId } from '../../src/canvas/button-id.ts';
import { MAX_METADATA_DEPTH, MAX_METADATA_LINES } from '../../src/canvas/metadata-markdown.ts';
import { metadataView } from '../../src/canvas/metadata-view.ts';
import { buttonsOf, ENTRY_ID, layout, markdownOf, PACKAGE, state } from './fixtures.ts';

const USER_META = {
  entry_id: ENTRY_ID,
  display_id: 'EXP00001234',
  authors: [{ name: 'Ada', handle: 'ada_l' }, 'Grace'],
  counts: { wells: 96, plates: 2, empty: {}, none: null, ok: true },
  note: '',
};

test('metadata as nested lists: objects and arrays nest, scalars inline, with back', () => {
  const view = metadataView(state, { name: PACKAGE, userMeta: USER_META });
  assert.deepEqual(layout(view), ['MARKDOWN:metadata', 'SECTION:metadata-buttons']);
  assert.equal(
    markdownOf(view),
    [
      '## Metadata of benchling\\/EXP00001234',
      '',
      '- **entry\\_id:** etr\\_Ab12Cd34',
      '- **display\\_id:** EXP00001234',
      '- **authors:**',
      '  - **1:**',
      '    - **name:** Ada',
      '    - **handle:** ada\\_l',
      '  - **2:** Grace',
      '- **counts:**',
      '  - **wells:** 96',
      '  - **plates:** 2',
      '  - **empty:** *(empty)*',
      '  - **none:** *null*',
      '  - **ok:** true',
      '- **note:** *(empty)*',
    ].join('\n'),
  );
  assert.deepEqual(
    buttonsOf(view).map((b) => [b.text, decodeButtonId(b.id)]),
    [
      ['Browse files', { ok: true, button: { action: 'browse', entryId: ENTRY_ID, page: 0 } }],
      ['Back to entry', { ok: true, button: { action: 'back', entryId: ENTRY_ID } }],
    ],
  );
});

test('no metadata, or metadata that is not an object', () => {
  for (const userMeta of [undefined, null, {}, [], 'text', 42]) {
    assert.ok(markdownOf(metadataView(state, { name: PACKAGE, userMeta })).endsWith('\n\nThis package has no metadata.'));
  }
});

test('huge or deep metadata is cut short with a note, not rendered whole', () => {
  const wide = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`key${i}`, 'v'.repeat(1_000)]));
  const md = markdownOf(metadataView(state, { name: PACKAGE, userMeta: wide }));
  const items = md.split('\n').filter((line) => line.startsWith('- '));
  assert.equal(items.length, MAX_METADATA_LINES);
  assert.ok(md.endsWith('*More metadata is not shown here.*'));
  assert.ok(md.length < 60_000, `${md.length}`);
  let deep: unknown = 'bottom';
  for (let i = 0; i < 50; i += 1) deep = { level: deep };
  const lines = markdownOf(metadataView(state, { name: PACKAGE, userMeta: deep })).split('\n').slice(2);
  assert.equal(lines.length, MAX_METADATA_DEPTH);
  assert.ok(lines.at(-1)!.endsWith('*(nested deeper than shown here)*'));
});
