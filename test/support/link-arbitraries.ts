import fc from 'fast-check';

/**
 * URLs for link-safety property tests, built around one tenant and one catalog: the ones that
 * must stay links, and every trick that must leave text as text.
 */

export const TENANT_BASE = 'https://acme.benchling.com';
export const TENANT_HOST = 'acme.benchling.com';
export const CATALOG_HOST = 'catalog.example.com';

/** Path, query and fragment pieces, with characters markdown and URLs treat specially. */
const tailPart = fc.constantFrom('', '/a%20b', '/', '/acme/f/lib_1-notebook/etr_1-run-3/edit', '/(x)', '/[x]', '/<x>', '/`x`', '/é日', '/%2e%2e/', '/../..', '/x?y=1&z=<2>', '#frag', '?q="x"', '/\\x', "/it's", '/*_~|');
const tail = fc.array(tailPart, { maxLength: 3 }).map((parts) => parts.join(''));

/** Mixed-case spellings of a scheme: a browser reads them all the same. */
const spelled = (scheme: string) =>
  fc.array(fc.boolean(), { minLength: scheme.length, maxLength: scheme.length }).map((upper) => [...scheme].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));

/** Links that must survive: https on the tenant's or the catalog's host, any case, any path. */
export const allowedUrl = fc
  .tuple(spelled('https'), fc.constantFrom(TENANT_HOST, 'ACME.Benchling.com', `${TENANT_HOST}:443`, CATALOG_HOST, 'Catalog.Example.com'), tail)
  .map(([scheme, host, rest]) => `${scheme}://${host}${rest.startsWith('/') || rest === '' ? rest : `/${rest}`}`);

/** Characters a URL parser drops, trims or folds, and text direction tricks. */
const HIDDEN = ['\t', '\n', '\r', ' ', '\u0000', '\u0001', '\u001f', '\u007f', '\u0085', '\u00a0', '\u200b', '\u200e', '\u202e', '\u2028', '\u3000', '\ufeff'];

const tricks = fc.oneof(
  // Other schemes, however spelled.
  fc.tuple(fc.constantFrom('javascript', 'data', 'vbscript', 'file', 'ftp', 'blob:https', 'http'), tail).chain(([scheme, rest]) =>
    spelled(scheme).map((s) => (s.toLowerCase().startsWith('javascript') ? `${s}:alert(document.cookie)${rest}` : s.toLowerCase().startsWith('data') ? `${s}:text/html,<script>alert(1)</script>` : `${s}://${TENANT_HOST}${rest}`)),
  ),
  // Other hosts, and hosts made to look like the tenant.
  fc.tuple(
    spelled('https'),
    fc.constantFrom('evil.example', `${TENANT_HOST}.evil.example`, `evil.example/${TENANT_HOST}`, `${TENANT_HOST}@evil.example`, `user:pw@${TENANT_HOST}`, `${TENANT_HOST}:pw@evil.example`, `${TENANT_HOST}%40evil.example`, 'benchling.com', `xn--acme-${TENANT_HOST}`, `${TENANT_HOST}:8443`, 'аcme.benchling.com', `${CATALOG_HOST}.evil.example`),
    tail,
  ).map(([scheme, host, rest]) => `${scheme}://${host}${rest}`),
  // The catalog over plain http, relative and scheme-relative URLs, nothing at all.
  fc.constantFrom(`http://${CATALOG_HOST}/b/x`, `//${TENANT_HOST}/x`, '/acme/f/x', 'acme.benchling.com/x', '', ' ', 'https://', 'https:///x', `https://${'a'.repeat(2100)}.${TENANT_HOST}/`, `${TENANT_BASE}/${'x'.repeat(2100)}`),
  // A good URL with a hidden character anywhere in it.
  fc.tuple(allowedUrl, fc.constantFrom(...HIDDEN), fc.nat(60)).map(([url, c, at]) => `${url.slice(0, at)}${c}${url.slice(at)}`),
);

/** URLs that must never become links. */
export const refusedUrl = tricks;

/** Anything URL-like: allowed, refused, and arbitrary text. */
export const anyUrl = fc.oneof(allowedUrl, refusedUrl, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));
