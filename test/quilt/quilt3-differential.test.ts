import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Manifest } from '../../src/quilt/manifest.ts';
import { writeManifest } from '../../src/quilt/manifest-writer.ts';
import { isPackageName } from '../../src/quilt/package-name.ts';
import { pythonQuote } from '../../src/quilt/python-quote.ts';
import { topHash } from '../../src/quilt/top-hash.ts';
import { manifestArbitrary } from './package-arbitraries.ts';

/**
 * Checks our bytes against quilt3's own logic run by CPython (quilt3_model.py, standard
 * library only): Python loads each manifest we wrote, re-dumps it and computes its top hash,
 * and both must equal ours. This is what makes "byte-compatible" more than a claim about
 * separators: number text, escapes, key order, walk order and URL quoting all go through
 * Python's own json and urllib. Skipped where no python3 is installed.
 */
const MODEL = fileURLToPath(new URL('./quilt3_model.py', import.meta.url));
const hasPython = spawnSync('python3', ['-c', 'import sys; sys.exit(0 if sys.version_info >= (3, 8) else 1)']).status === 0;

interface Answer {
  manifests: Array<{ bytes: string; top_hash: string }>;
  names: boolean[];
  quote: string[];
  unicode: { word: Array<[number, number]>; assigned: Array<[number, number]>; unidata_version: string };
}

function askPython(request: { manifests: string[]; names: string[]; quote: string[] }): Answer {
  const run = spawnSync('python3', [MODEL], { input: JSON.stringify(request), maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Answer;
}

const nameChar = fc.constantFrom('a', 'Z', '0', '_', '-', '/', ' ', '.', 'é', 'ß', 'Ж', '٣', 'Ⅻ', '²', '½', '\u0301', '中', '〇', 'ǅ', 'ʰ', 'ª', '😀', '𝟘', '\u200d', '\t');
const quoteText = fc.string({ unit: 'binary', maxLength: 24 });

test('quilt3 (CPython) re-dumps our manifests to the same bytes and the same top hash', { skip: !hasPython && 'python3 is not installed' }, () => {
  const manifests: Manifest[] = fc.sample(manifestArbitrary(), { numRuns: 400, seed: 20240601 });
  const names = fc.sample(fc.string({ unit: nameChar, minLength: 1, maxLength: 6 }), { numRuns: 2000, seed: 7 });
  const texts = fc.sample(quoteText, { numRuns: 2000, seed: 11 });
  const answer = askPython({
    manifests: manifests.map((m) => writeManifest(m).toString('base64')),
    names,
    quote: texts,
  });
  manifests.forEach((manifest, i) => {
    const python = answer.manifests[i];
    assert.equal(Buffer.from(python?.bytes ?? '', 'base64').toString('utf8'), writeManifest(manifest).toString('utf8'), `manifest ${i}`);
    assert.equal(python?.top_hash, topHash(manifest), `top hash ${i}`);
  });
  names.forEach((name, i) => assert.equal(isPackageName(name), answer.names[i], `package name ${JSON.stringify(name)}`));
  texts.forEach((text, i) => assert.equal(pythonQuote(text), answer.quote[i], `quote ${JSON.stringify(text)}`));
  checkNameCharacters(answer.unicode);
});

/** Every code point: our name class matches Python's `[\w-]` wherever Python's Unicode database knows the character. */
function checkNameCharacters({ word, assigned }: Answer['unicode']): void {
  const inRanges = (ranges: Array<[number, number]>) => {
    const set = new Uint8Array(0x110000);
    for (const [first, last] of ranges) set.fill(1, first, last + 1);
    return set;
  };
  const pythonWord = inRanges(word);
  const pythonAssigned = inRanges(assigned);
  const ours = /^[\p{L}\p{N}_-]$/u;
  const differences: string[] = [];
  for (let cp = 0; cp < 0x110000; cp += 1) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (ours.test(String.fromCodePoint(cp)) !== (pythonWord[cp] === 1) && pythonAssigned[cp] === 1) differences.push(cp.toString(16));
  }
  assert.deepEqual(differences, []);
}
