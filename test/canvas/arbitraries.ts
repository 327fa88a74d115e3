import fc from 'fast-check';
import { fitsButtonField, MAX_BUTTON_PAGE, type ButtonAction } from '../../src/canvas/button-id.ts';

/** Strings built to break markdown: every construct a name or value might smuggle in. */
const FRAGMENTS = [
  '[', ']', '(', ')', '![x](https://evil.example/x.png)', '[click](https://evil.example)', '[a]: https://evil.example',
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<https://evil.example>', '`', '```', '\n', '\r\n', '\r',
  '\u2028', '\u0085', '\\', '\\\n', '*', '**', '_', '__', '~~', '#', '# ', '## h', '>', '> q', '|', '| a | b |', '|---|',
  '&lt;', '&#60;', '&amp;', 'https://evil.example/a_b', 'www.evil.example', 'me@evil.example', '  \n', '---', '===',
  '1. ', '2) ', '- ', '+ ', '    code', '\t', '\u202e', '\u200f', '\u0000', '\u001b[31m', '\ud800', 'é', '日本',
  '🧪', '👩‍🔬', 'javascript:alert(1)', '$x$', '{}', '"', "'", '%20', '%29', '..', '--', 'a-p0-s15', '/',
];

export const hostileString = fc.oneof(
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 8 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: fc.constantFrom(...'[]()<>!*_`|#~&\\\n :/.-'), maxLength: 30 }),
);

/** Benchling ids as they are, and any other text the codec must carry exactly. */
export const entryId = fc
  .oneof(fc.stringMatching(/^etr_[A-Za-z0-9]{6,12}$/), hostileString, fc.string({ unit: 'grapheme', maxLength: 40 }))
  .filter(fitsButtonField);

/** Quilt names (`[\p{L}\p{N}_-]+/[\p{L}\p{N}_-]+`) plus anything else a registry might hold. */
const nameSegment = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '_', '-', 'é', 'ß', '日', 'Ω', '٣'), minLength: 1, maxLength: 20 });
export const packageName = fc
  .oneof(fc.tuple(nameSegment, nameSegment).map(([a, b]) => `${a}/${b}`), hostileString, fc.constant('a--b/c--d-p0-s15'))
  .filter(fitsButtonField);

const page = fc.integer({ min: 0, max: MAX_BUTTON_PAGE });

export const buttonAction: fc.Arbitrary<ButtonAction> = fc.oneof(
  fc.record({ action: fc.constant('browse' as const), entryId, page }),
  fc.record({ action: fc.constant('browse' as const), entryId, packageName, page }),
  fc.record({ action: fc.constant('metadata' as const), entryId }),
  fc.record({ action: fc.constant('metadata' as const), entryId, packageName }),
  fc.record({ action: fc.constant('back' as const), entryId }),
  fc.record({ action: fc.constant('update' as const), entryId }),
);
