import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settleDelay } from '../../src/worker/entry-settle.ts';

const settle = { quietMs: 1000, maxMs: 30_000 };
const now = Date.parse('2026-01-01T00:01:00.000Z');
const at = (msBefore: number) => new Date(now - msBefore).toISOString();
const job = (modifiedMsAgo: number, extra: { receiveCount?: number; receivedMsAgo?: number; maxReceives?: number | undefined } = {}) => ({
  modifiedAt: at(modifiedMsAgo),
  receivedAt: at(extra.receivedMsAgo ?? modifiedMsAgo),
  receiveCount: extra.receiveCount ?? 1,
  maxReceives: 'maxReceives' in extra ? extra.maxReceives : 5,
  now,
});

test('an entry edited less than the quiet time ago waits until it has been quiet that long', () => {
  assert.equal(settleDelay(job(300), settle), 700);
  assert.equal(settleDelay(job(0), settle), 1000);
});

test('an entry quiet for the quiet time or longer is packaged now', () => {
  assert.equal(settleDelay(job(1000), settle), undefined);
  assert.equal(settleDelay(job(60_000), settle), undefined);
});

test('a job is handed back at most twice, and only while three deliveries stay left for real attempts', () => {
  assert.equal(settleDelay(job(100, { receiveCount: 2 }), settle), 900);
  assert.equal(settleDelay(job(100, { receiveCount: 3, maxReceives: 100 }), settle), undefined);
  assert.equal(settleDelay(job(100, { receiveCount: 1, maxReceives: 4 }), settle), 900);
  assert.equal(settleDelay(job(100, { receiveCount: 2, maxReceives: 4 }), settle), undefined);
  assert.equal(settleDelay(job(100, { receiveCount: 1, maxReceives: 3 }), settle), undefined);
  assert.equal(settleDelay(job(100, { receiveCount: 1, maxReceives: 1 }), settle), undefined);
  assert.equal(settleDelay(job(100, { maxReceives: undefined }), settle), undefined, 'an unknown limit: never deferred');
});

test('an event older than the longest wait is packaged now, however busy the entry', () => {
  assert.equal(settleDelay(job(100, { receivedMsAgo: 29_999 }), settle), 900);
  assert.equal(settleDelay(job(100, { receivedMsAgo: 30_000 }), settle), undefined);
});

test('a modifiedAt ahead of our clock waits no longer than the quiet time', () => {
  assert.equal(settleDelay(job(-5000), settle), 1000);
});

test('settling off, or a modifiedAt that is not a date: packaged now', () => {
  assert.equal(settleDelay(job(0), { quietMs: 0, maxMs: 30_000 }), undefined);
  assert.equal(settleDelay({ ...job(0), modifiedAt: 'yesterday' }, settle), undefined);
});
