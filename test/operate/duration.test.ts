import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { AppError } from '../../src/errors/app-error.ts';
import { parseDuration } from '../../src/operate/duration.ts';

const UNITS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const part = fc.record({ n: fc.integer({ min: 0, max: 10_000 }), unit: fc.constantFrom(...(Object.keys(UNITS) as (keyof typeof UNITS)[])) });

test('examples: 30s, 10m, 2h, 1d, 1h30m', () => {
  assert.deepEqual(['30s', '10m', '2h', '1d', '1h30m', ' 5m '].map((d) => parseDuration(d, '--since')), [30_000, 600_000, 7_200_000, 86_400_000, 5_400_000, 300_000]);
});

test('property: any sequence of <number><unit> parts is the sum of its parts in ms', () => {
  fc.assert(
    fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (parts) => {
      const expected = parts.reduce((sum, p) => sum + p.n * UNITS[p.unit], 0);
      fc.pre(expected > 0);
      assert.equal(parseDuration(parts.map((p) => `${p.n}${p.unit}`).join(''), '--since'), expected);
    }),
  );
});

test('property: any other text is a usage error (exit 2) naming the flag, never a number', () => {
  fc.assert(
    fc.property(
      fc.string().filter((s) => !/^(?:\d+[smhd])+$/.test(s.trim())),
      (text) => {
        assert.throws(
          () => parseDuration(text, '--since'),
          (error: unknown) => error instanceof AppError && error.exitCode === 2 && error.code === 'DURATION_INVALID' && error.message.startsWith('--since '),
        );
      },
    ),
  );
});

test('zero and durations too large to be exact are refused', () => {
  for (const text of ['0m', '0s0h', '99999999999999999d']) assert.throws(() => parseDuration(text, '--since'), /is not a duration/);
});
