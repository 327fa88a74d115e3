import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { catalogHost } from '../../src/canvas/urls.ts';
import { anyUrl, refusedUrl } from '../support/link-arbitraries.ts';
import { markdownOf } from './fixtures.ts';
import { isCatalogUrl, profile } from './markdown-checker.ts';
import { views, world, type World } from './worlds.ts';

/**
 * Canvas views with URLs (allowed, hostile, or plain text) in every text that comes from data:
 * the only links in any view are the catalog links the view builds itself, and no URL in the
 * data is left where a renderer could autolink it.
 */

/** The world with URLs in its entry name, display id, linked names, file keys and metadata. */
const urlWorld = fc.tuple(world, fc.array(fc.oneof(anyUrl, refusedUrl), { minLength: 6, maxLength: 6 })).map(([w, urls]): World => {
  const pick = (i: number) => urls[i % urls.length]!;
  return {
    ...w,
    name: pick(0),
    displayId: pick(1),
    linked: [...new Set([pick(2), ...w.linked])].filter((s) => s.length > 0),
    files: [[pick(3), 1], ...w.files.filter(([key]) => key !== pick(3))],
    meta: [['web_url', pick(4)], [pick(5), pick(0)], ...w.meta.filter(([key]) => key !== 'web_url' && key !== pick(5))],
  };
});

test('URLs in entry, package and metadata text never become links or autolinks in any view', () => {
  fc.assert(
    fc.property(urlWorld, (w) => {
      const catalog = catalogHost(w.catalog);
      for (const view of views(w)) {
        const markdown = markdownOf(view);
        const found = profile(markdown);
        for (const url of found.urls) assert.ok(catalog !== undefined && isCatalogUrl(url, catalog), `${url} in\n${markdown}`);
        assert.equal(found.counts['<'], 0, markdown);
        // What is left outside link destinations, escapes removed: no scheme separator or www. a GFM renderer would autolink.
        const text = markdown.replace(/\]\((https:\/\/[^)\s]*)\)/g, ']').replace(/\\[!-/:-@[-`{-~]/g, 'x');
        assert.ok(!/:\/\/|www\.|javascript:|data:/i.test(text), markdown);
      }
    }),
    { numRuns: 500 },
  );
});
