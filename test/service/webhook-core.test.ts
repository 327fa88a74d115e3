import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createLogger } from '../../src/log/logger.ts';
import { EmbeddedQueue } from '../../src/queue/embedded-queue.ts';
import { EnvelopeFactory } from '../../src/sandbox/envelopes.ts';
import { SecretRedactor } from '../../src/secret/redact.ts';
import { IgnoredEvents } from '../../src/service/ignored-events.ts';
import { receiveWebhook, type WebhookCoreDeps } from '../../src/service/webhook-core.ts';
import { parseJob } from '../../src/jobs/job.ts';
import { tempDirs } from '../queue/temp-dirs.ts';

/**
 * The webhook core called as a plain function, with no HTTP server: headers and bytes in,
 * an answer out, the job on a real queue. (Verification is tested with real signatures in
 * webhook-verifier.test.ts and through the server in routes.test.ts.)
 */

const dirs = tempDirs();
after(() => dirs.removeAll());
const BASE = 'https://acme.benchling.com/api/v2';
const envelopes = new EnvelopeFactory({
  baseURL: BASE, tenantId: 'ten_core1', appId: 'app_core1', appDefinitionId: 'appdef_core1', versionNumber: '1', featureId: 'feat_1', userId: 'ent_user1', schemaOf: () => null,
});
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

async function core(): Promise<{ deps: WebhookCoreDeps; queue: EmbeddedQueue; lines: string[] }> {
  const queue = await EmbeddedQueue.open(await dirs.make(), {});
  const lines: string[] = [];
  const log = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) }, redactor: new SecretRedactor() });
  return { deps: { log, verifier: undefined, queue, apiBase: () => BASE, ignoredEvents: new IgnoredEvents(log), now: () => new Date('2026-12-05T09:00:00Z') }, queue, lines };
}

test('an entry event becomes a typed job on the queue and a 202 naming it; the same webhook-id again is a duplicate', async () => {
  const { deps, queue } = await core();
  const request = { headers: { 'webhook-id': 'wh_core_1' }, body: bytes(envelopes.entryCreated('etr_core1')), requestId: 'r1' };
  const first = await receiveWebhook(deps, request);
  assert.equal(first.status, 202);
  assert.deepEqual(first.outcome, { job: first.body.job, type: 'v2.entry.created', coalesced: false });
  const [lease] = await queue.receive({ waitMs: 1000 });
  assert.deepEqual(parseJob(lease!.body), {
    ok: true,
    body: { kind: 'entry', entryId: 'etr_core1', messageType: 'v2.entry.created', webhookId: 'wh_core_1', receivedAt: '2026-12-05T09:00:00.000Z' },
  });
  assert.deepEqual((await receiveWebhook(deps, request)).body, { status: 'duplicate' });
  await queue.close();
});

test('refusals come back as answers, and nothing is queued: another tenant 403, not an envelope 400, an unused type 200 ignored', async () => {
  const { deps, queue } = await core();
  const other = { ...envelopes.entryCreated('etr_core2'), baseURL: 'https://evil.benchling.com/api/v2' };
  assert.deepEqual(await receiveWebhook(deps, { headers: {}, body: bytes(other), requestId: 'r2' }), { status: 403, body: { error: 'forbidden', reason: 'tenant_mismatch' } });
  assert.equal((await receiveWebhook(deps, { headers: {}, body: Buffer.from('not json'), requestId: 'r3' })).status, 400);
  const unused = { ...envelopes.entryCreated('etr_core3'), message: { ...envelopes.entryCreated('etr_core3').message, type: 'v2.request.created' } };
  assert.deepEqual((await receiveWebhook(deps, { headers: {}, body: bytes(unused), requestId: 'r4' })).body, { status: 'ignored' });
  assert.deepEqual(await queue.depth(), { waiting: 0, inFlight: 0, dead: 0 });
  await queue.close();
});

test('an unsigned request (verification off) names its job by the request id', async () => {
  const { deps, queue } = await core();
  const answer = await receiveWebhook(deps, { headers: {}, body: bytes(envelopes.entryCreated('etr_core4')), requestId: 'req-42' });
  assert.equal(answer.status, 202);
  const [lease] = await queue.receive({ waitMs: 1000 });
  assert.equal(lease!.body.webhookId, 'unsigned-req-42');
  await queue.close();
});
