import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { linkTarget } from '../../src/canvas/link-policy.ts';
import { plainText } from '../../src/canvas/text.ts';
import { entryLinks, entryMetadata, entryReadme, linksDocument, type EntryForPackage, type NamedLink } from '../../src/worker/entry-documents.ts';
import { entryPackageName } from '../../src/worker/entry-package-name.ts';
import { CATALOG_HOST, TENANT_BASE, TENANT_HOST, allowedUrl, anyUrl, refusedUrl } from '../support/link-arbitraries.ts';

const targets = { tenant: TENANT_BASE, catalog: CATALOG_HOST };

const entry = (webURL: string): EntryForPackage => ({
  id: 'etr_1',
  displayId: 'EXP26000001',
  name: 'Run 3',
  webURL,
  createdAt: '2026-01-01T00:00:00Z',
  modifiedAt: '2026-01-02T00:00:00Z',
});

const namedLink = (webUrl: string | null): NamedLink => ({ id: 'bfi_1', type: 'custom_entity', name: 'Strain', web_url: webUrl });

/** Every link a markdown renderer could make of the README: autolinks, inline links, bare URLs. */
function linksIn(markdown: string): { autolinks: string[]; inline: number; bare: number } {
  const autolink = /(?<!\\)<([^<>\s]*)>/g;
  const autolinks = [...markdown.matchAll(autolink)].map((m) => m[1]!);
  const rest = markdown.replace(autolink, '').replace(/\\[!-/:-@[-`{-~]/g, 'x');
  return { autolinks, inline: rest.split('](').length - 1, bare: (rest.match(/:\/\/|www\./gi) ?? []).length };
}

test('README.md: the entry line is an autolink only to the tenant or the catalog over https; anything else is escaped text', () => {
  fc.assert(
    fc.property(anyUrl, (webURL) => {
      const readme = entryReadme(entry(webURL), [namedLink(webURL)], ['a.csv'], targets);
      const found = linksIn(readme);
      assert.equal(found.inline, 0);
      assert.equal(found.bare, 0, readme);
      const allowed = linkTarget(webURL, targets);
      assert.deepEqual(found.autolinks, allowed === undefined ? [] : [allowed]);
      for (const link of found.autolinks) {
        const url = new URL(link);
        assert.ok(url.protocol === 'https:' && [TENANT_HOST, CATALOG_HOST].includes(url.host) && url.username === '', link);
        assert.ok(!/[\s<>]/.test(link));
      }
      const line = readme.split('\n').find((l) => l.startsWith('- Entry: '))!;
      if (allowed === undefined) assert.equal(line.slice('- Entry: '.length).replace(/\\([!-/:-@[-`{-~])/g, '$1'), plainText(webURL), 'shown as the text it is');
    }),
    { numRuns: 3_000 },
  );
});

test('a javascript: entry URL gives no live link in README.md', () => {
  const readme = entryReadme(entry('javascript:alert(document.cookie)'), [], [], targets);
  assert.ok(readme.includes('- Entry: javascript\\:alert\\(document\\.cookie\\)'), readme);
  assert.ok(!readme.includes('<javascript'));
  assert.ok(entryReadme(entry(`https://${TENANT_HOST}/x`), [], [], targets).includes(`- Entry: <https://${TENANT_HOST}/x>`));
});

test('links.json: web_url is a followable URL only to the tenant or the catalog; a refused one is kept as text in web_url_text', () => {
  fc.assert(
    fc.property(fc.array(fc.option(anyUrl, { nil: null }), { maxLength: 6 }), (urls) => {
      const doc = JSON.parse(linksDocument(urls.map(namedLink), targets)) as { schema_version: number; links: (NamedLink & { web_url_text?: string })[] };
      assert.equal(doc.schema_version, 2);
      assert.equal(doc.links.length, urls.length);
      doc.links.forEach((link, i) => {
        const raw = urls[i]!;
        const allowed = raw === null ? undefined : linkTarget(raw, targets);
        assert.equal(link.web_url, allowed ?? null);
        assert.equal(link.web_url_text, raw !== null && allowed === undefined ? raw : undefined, 'nothing lost, and only refused text is kept apart');
        if (link.web_url !== null) assert.ok([TENANT_HOST, CATALOG_HOST].includes(new URL(link.web_url).host));
      });
    }),
    { numRuns: 2_000 },
  );
  fc.assert(
    fc.property(refusedUrl, allowedUrl, (bad, good) => {
      const doc = JSON.parse(linksDocument([namedLink(bad), namedLink(good)], targets)) as { links: { web_url: string | null }[] };
      assert.deepEqual(doc.links.map((l) => l.web_url), [null, new URL(good).href]);
    }),
    { numRuns: 500 },
  );
});

test('what Benchling leaves out is absent, not invented: entry.json holds null, README.md names the entry by its id and leaves the lines out', () => {
  const bare: EntryForPackage = { id: 'etr_Bare01' };
  assert.equal(entryPackageName('benchling', bare), 'benchling/etr_Bare01', 'no displayId: the package is named by the entry id');
  assert.equal(entryPackageName('benchling', { ...bare, displayId: '' }), 'benchling/etr_Bare01');
  assert.equal(entryPackageName('benchling', { ...bare, displayId: 'EXP 1/2' }), 'benchling/etr_Bare01', 'nor one a package name may not hold');
  assert.equal(entryPackageName('benchling', { ...bare, displayId: 'EXP26000001' }), 'benchling/EXP26000001');
  const metadata = entryMetadata({ ...bare, creator: {}, schema: {} });
  assert.deepEqual(
    { ...metadata, fields: undefined },
    { entry_id: 'etr_Bare01', display_id: null, name: null, web_url: null, creator: { id: null, name: null, handle: null }, authors: [], created_at: null, modified_at: null, schema: { id: null, name: null }, fields: undefined, review_status: null },
  );
  const readme = entryReadme(bare, [], ['entry.html'], targets);
  assert.ok(readme.startsWith('# etr\\_Bare01\n'), readme);
  assert.ok(!/- (Entry|Created|Modified):/.test(readme), readme);
});

test('a hyperlink, which has no id, is kept by its URL; a link with neither id nor URL points nowhere and is left out', () => {
  const url = `https://${TENANT_HOST}/acme/f/x`;
  const notes = [{ links: [{ type: 'link', webURL: url }, { type: 'link', webURL: url }, { type: 'link' }, { id: 'bfi_1', type: 'custom_entity' }] }];
  const links = entryLinks({ id: 'etr_1', days: [{ notes }] });
  assert.deepEqual(links, [{ type: 'link', webURL: url }, { id: 'bfi_1', type: 'custom_entity' }]);
  const named: NamedLink[] = [{ id: null, type: 'link', name: null, web_url: url }];
  assert.deepEqual(JSON.parse(linksDocument(named, targets)).links, [{ id: null, type: 'link', name: null, web_url: url }]);
  assert.ok(entryReadme(entry(url), named, [], targets).includes(`- ${url.replace(/[!-/:-@[-`{-~]/g, '\\$&')} (link)`));
});
