import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canvasHtml } from '../../src/sandbox/console/canvas-html.ts';
import { inlineHtml, markdownHtml } from '../../src/sandbox/console/markdown-html.ts';
import type { CanvasBlock } from '../../src/sandbox/index.ts';

/** The canvas page's rendering: markdown and blocks as Benchling shows them, and never a tag the canvas did not ask for. */

const TAGS = /<\/?(?:h[1-6]|p|br|ul|ol|li|strong|em|code|table|thead|tbody|tr|th|td|a(?: href="[^"<>]*" target="_blank" rel="noopener noreferrer")?)>/g;

test('markdown: headings, lists, emphasis, code, links and backslash escapes', () => {
  const html = markdownHtml('## EXP1\n\nGFP \\*not em\\* **bold** *em* `a<b`\n\n- [pkg](https://catalog.example.com/b/x) · 1 KiB\n- two\n\n1. first');
  assert.equal(
    html,
    [
      '<h2>EXP1</h2>',
      '<p>GFP *not em* <strong>bold</strong> <em>em</em> <code>a&lt;b</code></p>',
      '<ul><li><a href="https://catalog.example.com/b/x" target="_blank" rel="noopener noreferrer">pkg</a> · 1 KiB</li><li>two</li></ul>',
      '<ol><li>first</li></ol>',
    ].join('\n'),
  );
});

test('markdown tables render as tables, with their header row', () => {
  assert.equal(markdownHtml('| well | od |\n|---|---|\n| A1 | 0.4 |'), '<table><thead><tr><th>well</th><th>od</th></tr></thead><tbody><tr><td>A1</td><td>0.4</td></tr></tbody></table>');
});

test('a link that is not http(s) or mailto shows its text only: a canvas cannot script the page', () => {
  assert.equal(inlineHtml('[click](javascript:alert%281%29)'), 'click');
  assert.equal(inlineHtml('[x](data:text/html,hi)'), 'x');
});

test('property: whatever the markdown, the HTML holds only the renderer\'s own tags and every other "<" is escaped', () => {
  const pieces = fc.constantFrom('<', '>', '"', "'", '&', '[', ']', '(', ')', '*', '**', '`', '\\', '#', '- ', '|', '\n', 'javascript:', 'https://x', '<script>', 'a', ' ');
  fc.assert(
    fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 40 }), (parts) => {
      const html = markdownHtml(parts.join(''));
      assert.doesNotMatch(html.replace(TAGS, ''), /[<>]/, html);
    }),
    { numRuns: 500 },
  );
});

const blocks: CanvasBlock[] = [
  { type: 'MARKDOWN', id: 'main', value: '## Title' },
  { type: 'SECTION', id: 'row', children: [{ type: 'BUTTON', id: 'b1', text: 'Browse files', enabled: true }, { type: 'BUTTON', id: 'b2', text: 'Update', enabled: false }] },
  { type: 'DROPDOWN', id: 'd', dropdownId: 'sfs_1', value: null, label: 'Plate', placeholder: 'Pick one' },
  { type: 'SELECTOR_INPUT', id: 's', options: ['a', 'b'], value: 'b', placeholder: null },
  { type: 'TABLE', id: 't', name: 'Results', source: { type: 'DATASET', datasetId: 'dset_1' } },
];

test('blocks: a section is one row, buttons carry their canvas and id, a disabled button is disabled, inputs and tables show', () => {
  const html = canvasHtml({ id: 'cnvs_1', enabled: true, blocks });
  assert.match(html, /<div class="section"><button type="button" data-canvas="cnvs_1" data-button="b1">Browse files<\/button><button [^>]*data-button="b2" disabled>Update<\/button><\/div>/);
  assert.match(html, /<label class="input"><span>Plate<\/span><select data-dropdown="sfs_1"><option value="">Pick one<\/option><\/select><\/label>/);
  assert.match(html, /<option>a<\/option><option selected>b<\/option>/);
  assert.match(html, /<caption>Results<\/caption>.*dataset dset_1/);
});

test('a disabled canvas (the app is working) disables every control; an undrawn canvas says so', () => {
  const html = canvasHtml({ id: 'cnvs_1', enabled: false, blocks });
  assert.equal((html.match(/<button /g) ?? []).length, (html.match(/<button [^>]* disabled>/g) ?? []).length);
  assert.match(html, /<select data-dropdown="sfs_1" disabled>/);
  assert.match(canvasHtml({ id: 'cnvs_2', enabled: true, blocks: [] }), /has not drawn this canvas yet/);
});

test('ids and texts are escaped into attributes and text', () => {
  const html = canvasHtml({ id: 'c"1', enabled: true, blocks: [{ type: 'BUTTON', id: '"><script>', text: '<b>x</b>', enabled: true }] });
  assert.equal(html, '<button type="button" data-canvas="c&quot;1" data-button="&quot;&gt;&lt;script&gt;">&lt;b&gt;x&lt;/b&gt;</button>');
});
