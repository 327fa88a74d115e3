import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseLogLine } from './log-line.ts';

const values = fc.jsonValue({ maxDepth: 3 });

test('any JSON object line parses as JSON.parse does', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), values), (record) => {
      const line = JSON.stringify(record);
      assert.deepEqual(parseLogLine(line), JSON.parse(line));
    }),
  );
});

test('a top-level key written twice is refused, whatever the values; nested repeats are not', () => {
  fc.assert(
    fc.property(fc.string(), values, values, fc.dictionary(fc.string(), values), (key, a, b, rest) => {
      const others = JSON.stringify(Object.fromEntries(Object.entries(rest).filter(([k]) => k !== key))).slice(1, -1);
      const line = `{${JSON.stringify(key)}:${JSON.stringify(a)}${others ? `,${others}` : ''},${JSON.stringify(key)}:${JSON.stringify(b)}}`;
      assert.throws(() => parseLogLine(line), /twice/);
      const nested = `{"outer":{${JSON.stringify(key)}:1},${JSON.stringify(key)}:2}`;
      assert.deepEqual(parseLogLine(nested), JSON.parse(nested));
    }),
  );
});
