import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { escapeMarkdown } from '../../src/canvas/markdown.ts';
import { plainText } from '../../src/canvas/text.ts';
import { catalogHost } from '../../src/canvas/urls.ts';
import { hostileString } from './arbitraries.ts';
import { buttonsOf, markdownOf } from './fixtures.ts';
import { isCatalogUrl, profile } from './markdown-checker.ts';
import { harmless, views, world } from './worlds.ts';

/**
 * Differential check: every view is rendered twice from the same structure, once with hostile
 * strings and once with harmless ones (`t0`, `t1`, …). Escaping is right when the hostile
 * rendering has exactly as many links, line breaks and unescaped markup characters as the
 * harmless one: nothing in the data added any.
 */

test('hostile names, keys and values add no links, images, HTML, headings, emphasis, tables or line breaks', () => {
  fc.assert(
    fc.property(world, (w) => {
      const hostile = views(w);
      const safe = views(harmless(w));
      assert.equal(hostile.length, safe.length);
      const catalog = catalogHost(w.catalog);
      hostile.forEach((view, i) => {
        const got = profile(markdownOf(view));
        const expected = profile(markdownOf(safe[i]!));
        assert.deepEqual(got.counts, expected.counts, markdownOf(view));
        assert.equal(got.urls.length, expected.urls.length);
        assert.equal(got.counts['<'], 0);
        for (const url of got.urls) assert.ok(catalog !== undefined && isCatalogUrl(url, catalog), url);
        for (const button of buttonsOf(view)) assert.equal(button.text, plainText(button.text));
      });
    }),
    { numRuns: 400 },
  );
});

test('the expected number of links: 2 + linked on the main view, one per file in the browser, none elsewhere', () => {
  fc.assert(
    fc.property(world, (w) => {
      fc.pre(catalogHost(w.catalog) !== undefined);
      const [main, , unpackaged, browse, , metadata, error] = views(w).map((view) => profile(markdownOf(view)).counts['](']);
      const visibleLinked = w.linked.filter((name) => plainText(name) !== '').length;
      assert.equal(main, 2 + visibleLinked);
      assert.equal(unpackaged, visibleLinked);
      assert.equal(browse, Math.min(15, Math.max(0, w.files.length - Math.min(w.page, Math.max(0, Math.ceil(w.files.length / 15) - 1)) * 15)));
      assert.equal(metadata, 0);
      assert.equal(error, 0);
    }),
    { numRuns: 200 },
  );
});

test('escapeMarkdown: one line, no unescaped markup, the visible text unchanged', () => {
  fc.assert(
    fc.property(hostileString, (text) => {
      const escaped = escapeMarkdown(text);
      assert.ok(!/[\n\r\u2028\u2029]/.test(escaped));
      assert.equal(escaped.replace(/\\([!-/:-@[-`{-~])/g, '$1'), plainText(text));
      assert.ok(!/[[\]()<>!*_`|#~&\\]/.test(escaped.replace(/\\[!-/:-@[-`{-~]/g, '')));
    }),
    { numRuns: 3_000 },
  );
  assert.equal(escapeMarkdown('![x](javascript:alert(1)) <b>\n# hi'), '\\!\\[x\\]\\(javascript\\:alert\\(1\\)\\) \\<b\\> \\# hi');
});
