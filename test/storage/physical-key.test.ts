import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { partSizeFor } from '../../src/storage/part-size.ts';
import { filePhysicalKey, quote, s3PhysicalKey } from '../../src/storage/physical-key.ts';

const LITERAL = new Set(Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~/'));

/** Python's quote(s, safe='/'), written out byte by byte: the reference the real one is checked against. */
function pythonQuote(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) out += LITERAL.has(byte) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

describe('physical keys', () => {
  test("quilt-format.md's example: a b/!'()*~.txt", () => {
    assert.equal(quote("/a b/!'()*~.txt"), '/a%20b/%21%27%28%29%2A~.txt');
    assert.equal(s3PhysicalKey('bucket', "a b/!'()*~.txt"), 's3://bucket/a%20b/%21%27%28%29%2A~.txt');
  });

  test('the version id is appended quoted, only when known', () => {
    assert.equal(s3PhysicalKey('b', 'k', 'a+b/c d'), 's3://b/k?versionId=a%2Bb/c%20d');
    assert.equal(s3PhysicalKey('b', 'k', ''), 's3://b/k');
    assert.equal(s3PhysicalKey('b', 'k'), 's3://b/k');
  });

  test('file physical keys quote the absolute path', () => {
    assert.equal(filePhysicalKey('/tmp/my registry/ü.txt'), 'file:///tmp/my%20registry/%C3%BC.txt');
  });

  test('quote matches Python quote on any text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        assert.equal(quote(text), pythonQuote(text));
        assert.equal(decodeURIComponent(quote(text)), text);
      }),
      { numRuns: 2000 },
    );
  });

  test('quote refuses an unpaired surrogate, as Python does', () => {
    assert.throws(() => quote('a\ud800b'), URIError);
  });
});

describe('multipart part size', () => {
  test("follows Quilt's chunk size: 8 MiB, doubled while there would be over 10,000 parts", () => {
    const MiB = 1024 * 1024;
    assert.equal(partSizeFor(), 8 * MiB);
    assert.equal(partSizeFor(0), 8 * MiB);
    assert.equal(partSizeFor(10_000 * 8 * MiB), 8 * MiB);
    assert.equal(partSizeFor(10_000 * 8 * MiB + 1), 16 * MiB);
    assert.equal(partSizeFor(10_000 * 32 * MiB + 1), 64 * MiB);
  });
});
