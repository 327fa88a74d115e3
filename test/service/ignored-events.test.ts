import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { subscriptionAdvice } from '../../src/benchling/subscription-advice.ts';
import { classifyMessage } from '../../src/benchling/webhook-envelope.ts';
import { createLogger } from '../../src/log/logger.ts';
import { SecretRedactor } from '../../src/secret/redact.ts';
import { IgnoredEvents, MAX_TYPE_LENGTH, MAX_TYPES } from '../../src/service/ignored-events.ts';
import { parseLogLine } from '../support/log-line.ts';

function recorder() {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) }, redactor: new SecretRedactor() });
  return { ignored: new IgnoredEvents(log), lines: () => lines.map((l) => parseLogLine(l)) };
}

test('the first delivery of each ignored type is logged at info with the type and the advice; every one is counted', () => {
  const { ignored, lines } = recorder();
  for (const type of ['v2.entry.updated.assignees', 'v3.dnaSequence.created', 'v2.entry.updated.assignees', 'v3.dnaSequence.created', 'v3.dnaSequence.created']) ignored.record(type);
  const logged = lines();
  assert.deepEqual(
    logged.map((l) => [l.level, l.type]),
    [
      [30, 'v2.entry.updated.assignees'],
      [30, 'v3.dnaSequence.created'],
    ],
  );
  assert.deepEqual(logged[0]!.subscribeInstead, ['v2.entry.updated.fields', 'v2.entry.updated.reviewRecord']);
  assert.match(String(logged[0]!.advice), /subscribe to v2\.entry\.updated\.fields, v2\.entry\.updated\.reviewRecord instead/);
  assert.equal(logged[1]!.subscribeInstead, undefined, 'nothing the app handles stands in for a sequence event');
  assert.match(String(logged[1]!.advice), /remove it from the app manifest's subscriptions/);
  assert.deepEqual(ignored.counted(), { total: 5, byType: { 'v2.entry.updated.assignees': 2, 'v3.dnaSequence.created': 3 } });
});

test('once per type holds for any sequence of deliveries, and the counts add up', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('v3.project.created', 'v2.request.created', 'v0.canvas.created', 'v3.entry.updated'), { maxLength: 40 }), (types) => {
      const { ignored, lines } = recorder();
      for (const type of types) ignored.record(type);
      assert.deepEqual(
        lines().map((l) => l.type),
        [...new Set(types)],
      );
      const counted = ignored.counted();
      assert.equal(counted.total, types.length);
      for (const type of new Set(types)) assert.equal(counted.byType[type], types.filter((t) => t === type).length);
    }),
    { numRuns: 200 },
  );
});

test('at most MAX_TYPES types are told apart, each cut short; the rest count in the total, with one line saying so', () => {
  const { ignored, lines } = recorder();
  const long = `v3.${'x'.repeat(MAX_TYPE_LENGTH * 3)}`;
  ignored.record(long);
  for (let i = 0; i < MAX_TYPES + 20; i++) ignored.record(`v3.thing${i}.created`);
  const counted = ignored.counted();
  assert.equal(counted.total, MAX_TYPES + 21);
  assert.equal(Object.keys(counted.byType).length, MAX_TYPES);
  for (const type of Object.keys(counted.byType)) assert.ok(type.length <= MAX_TYPE_LENGTH + 1, type);
  const logged = lines();
  assert.equal(logged.length, MAX_TYPES + 1);
  assert.match(String(logged.at(-1)!.msg), /further types are counted in the total only/);
});

test('advice: sunset and v3 names point at the handled type that replaces them, where one exists', () => {
  const cases: [string, string[]][] = [
    ['v0.canvas.created', ['v2.canvas.created']],
    ['v0-beta.canvas.userInteracted', ['v2.canvas.userInteracted']],
    ['v0-beta.lifecycle.activateRequested', ['v2.app.activateRequested']],
    ['v0.entry.created', ['v2.entry.created']],
    ['v2.entry.updated.assignees', ['v2.entry.updated.fields', 'v2.entry.updated.reviewRecord']],
    ['v3.entry.updated', ['v2.entry.updated.fields', 'v2.entry.updated.reviewRecord']],
    ['v3.entry.archived', ['v3.entry.created', 'v2.entry.updated.fields', 'v2.entry.updated.reviewRecord']],
    ['v3.canvas.created', ['v2.canvas.created']],
    ['v3.customEntity.created', []],
    ['v2.request.created', []],
    ['v0.request.created', []],
  ];
  for (const [type, instead] of cases) {
    const advice = subscriptionAdvice(type);
    assert.deepEqual(advice.subscribeInstead, instead, type);
    assert.ok(advice.advice.includes(type), advice.advice);
    for (const handled of instead) assert.notEqual(classifyMessage(handled), 'unknown', `${type} → ${handled} must be handled`);
  }
});
