import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { linkTarget } from '../../src/canvas/link-policy.ts';
import { CATALOG_HOST, TENANT_BASE, TENANT_HOST, allowedUrl, anyUrl, refusedUrl } from '../support/link-arbitraries.ts';

const targets = { tenant: TENANT_BASE, catalog: CATALOG_HOST };

/** Where a link actually goes, as a browser would read it. */
function destination(link: string): { protocol: string; host: string; userinfo: string } {
  const url = new URL(link);
  return { protocol: url.protocol, host: url.host, userinfo: url.username + url.password };
}

test('https URLs on the tenant or the catalog host stay links, in the form a browser reads them', () => {
  fc.assert(
    fc.property(allowedUrl, (raw) => {
      const link = linkTarget(raw, targets);
      assert.ok(link !== undefined, raw);
      assert.equal(link, new URL(raw).href);
      assert.ok([TENANT_HOST, CATALOG_HOST].includes(destination(link).host), link);
    }),
    { numRuns: 2_000 },
  );
});

test('javascript:, data:, http:, other hosts, userinfo tricks, mixed-case schemes, hidden characters: never a link', () => {
  fc.assert(
    fc.property(refusedUrl, (raw) => {
      assert.equal(linkTarget(raw, targets), undefined, JSON.stringify(raw));
    }),
    { numRuns: 5_000 },
  );
  for (const raw of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', ' javascript:alert(1)', 'data:text/html,x', `https://${TENANT_HOST}@evil.com/`, `http://${TENANT_HOST}/x`, `blob:https://${TENANT_HOST}/x`, `https://evil.com/${TENANT_HOST}`]) {
    assert.equal(linkTarget(raw, targets), undefined, raw);
  }
});

test('whatever the text, a link that comes out goes to the tenant or the catalog over https, with no userinfo, and is one autolink', () => {
  fc.assert(
    fc.property(anyUrl, (raw) => {
      const link = linkTarget(raw, targets);
      if (link === undefined) return;
      const to = destination(link);
      assert.equal(to.protocol, 'https:');
      assert.ok([TENANT_HOST, CATALOG_HOST].includes(to.host), link);
      assert.equal(to.userinfo, '');
      assert.ok(!/[\s<>\p{C}]/u.test(link), link);
    }),
    { numRuns: 5_000 },
  );
});

test('without a catalog only the tenant is linked; a plain-http tenant (a local sandbox) links to exactly its own origin', () => {
  assert.equal(linkTarget(`https://${CATALOG_HOST}/b/x`, { tenant: TENANT_BASE }), undefined);
  const sandbox = { tenant: 'http://127.0.0.1:4567' };
  assert.equal(linkTarget('http://127.0.0.1:4567/acme/f/x', sandbox), 'http://127.0.0.1:4567/acme/f/x');
  for (const raw of ['http://127.0.0.1:4568/x', 'https://127.0.0.1:4567/x', 'http://localhost:4567/x', 'javascript:alert(1)']) assert.equal(linkTarget(raw, sandbox), undefined, raw);
});
