import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeCanonicalJson, encodeManifestJson } from '../../src/quilt/python-json.ts';

test('canonical JSON: sorted keys by code point, no spaces, ASCII only with lowercase escapes', () => {
  const value = { b: 1, a: [true, null], '\uffff': 0, '😀': 'é\u007f\u2028😀', c: 'tab\t"q"\\\u0001' };
  assert.equal(
    encodeCanonicalJson(value),
    '{"a":[true,null],"b":1,"c":"tab\\t\\"q\\"\\\\\\u0001","\\uffff":0,"\\ud83d\\ude00":"\\u00e9\\u007f\\u2028\\ud83d\\ude00"}',
  );
});

test('manifest JSON: insertion order, ", " and ": ", raw UTF-8 including U+007F and U+2028', () => {
  assert.equal(encodeManifestJson({ b: 1, a: ['é\u007f\u2028😀', { x: null }] }), '{"b": 1, "a": ["é\u007f\u2028😀", {"x": null}]}');
  assert.equal(encodeManifestJson({}), '{}');
  assert.equal(encodeManifestJson([]), '[]');
});

test('numbers: Python float repr below 1e-4, digits for integers', () => {
  const cases: Array<[number, string]> = [
    [0, '0'], [-0, '0'], [42, '42'], [2 ** 53, '9007199254740992'], [1e16, '10000000000000000'], [1e21, '1e+21'],
    [0.1, '0.1'], [1e-4, '0.0001'], [1e-5, '1e-05'], [-1.5e-7, '-1.5e-07'], [1.5e-10, '1.5e-10'], [5e-324, '5e-324'],
    [9.999999999999999e-5, '9.999999999999999e-05'], [123456.789, '123456.789'],
  ];
  for (const [value, text] of cases) assert.equal(encodeCanonicalJson(value), text, String(value));
  assert.throws(() => encodeCanonicalJson(Number.POSITIVE_INFINITY), { code: 'quilt_bad_metadata' });
});

test('unpaired surrogates are escaped the same way in both dialects, as Python would hash them', () => {
  assert.equal(encodeManifestJson('a\ud800b'), '"a\\ud800b"');
  assert.equal(encodeCanonicalJson('a\ud800b'), '"a\\ud800b"');
});

test('non-JSON values are refused with the path to them', () => {
  assert.throws(() => encodeManifestJson({ a: [1, { b: 10n }] } as never, 'user_meta'), {
    code: 'quilt_bad_metadata',
    message: /^user_meta\.a\[1\]\.b is a bigint/,
  });
  assert.throws(() => encodeManifestJson(undefined as never), { code: 'quilt_bad_metadata' });
});
