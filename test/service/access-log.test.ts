import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { knownSecretValues } from '../support/leak-guard.ts';
import { openServiceWorld, type ServiceWorld } from '../support/service-world.ts';

let world: ServiceWorld;
before(async () => {
  world = await openServiceWorld();
  knownSecretValues(world.sandbox.secret.client_id, world.sandbox.secret.client_secret);
});
after(() => world.close());

/** The access lines logged since `from`, parsed. */
function accessLines(from: number): Record<string, unknown>[] {
  return world.logs
    .slice(from)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === 'webhook');
}

test('one line per webhook request: method, path, status, time, webhook-id and the job', async () => {
  const from = world.logs.length;
  const sent = await world.sandbox.sendWebhook(`${world.service.url}/prod/event`, world.sandbox.envelopes.entryCreated(world.sandbox.addEntry().id));
  assert.equal(sent.status, 202);
  const lines = accessLines(from);
  assert.equal(lines.length, 1);
  const [line] = lines;
  assert.equal(line!.level, 30);
  assert.equal(line!.method, 'POST');
  assert.equal(line!.path, '/prod/event');
  assert.equal(line!.status, 202);
  assert.equal(typeof line!.ms, 'number');
  assert.equal(line!.webhookId, sent.webhookId);
  assert.equal(line!.job, (sent.body as { job: string }).job);
  assert.equal(line!.type, 'v2.entry.created');
});

test('a refused request is logged with its reason; health checks are not logged', async () => {
  const from = world.logs.length;
  const envelope = world.sandbox.envelopes.entryCreated(world.sandbox.addEntry().id);
  const forged = await world.sandbox.sendWebhook(`${world.service.url}/event`, envelope, { forged: 'bad-signature' });
  assert.equal(forged.status, 401);
  assert.equal((await fetch(`${world.service.url}/health`)).status, 200);
  assert.equal((await fetch(`${world.service.url}/health/ready`)).status, 200);
  const lines = accessLines(from);
  assert.deepEqual(
    lines.map((l) => [l.status, l.reason]),
    [[401, 'invalid_signature']],
  );
});

test('credentials sent in the path, the query or the webhook-id never reach the log', async () => {
  const { client_id: clientId, client_secret: clientSecret } = world.sandbox.secret;
  const from = world.logs.length;
  const envelope = world.sandbox.envelopes.entryCreated(world.sandbox.addEntry().id);
  const inQuery = await world.sandbox.sendWebhook(`${world.service.url}/event?client_secret=${clientSecret}&id=${clientId}`, envelope);
  assert.equal(inQuery.status, 202);
  const inPath = await world.sandbox.sendWebhook(`${world.service.url}/${encodeURIComponent(clientSecret)}/event`, envelope, { id: `msg_${clientId}` });
  assert.equal(inPath.status, 202);
  const lines = accessLines(from);
  assert.equal(lines.length, 2);
  assert.equal(lines[0]!.path, '/event', 'the query string is not logged');
  const text = world.logs.slice(from).join('');
  assert.ok(!text.includes(clientSecret) && !text.includes(clientId), 'a credential reached the log');
  assert.match(String(lines[1]!.path), /\[REDACTED\]/);
  assert.match(String(lines[1]!.webhookId), /\[REDACTED\]/);
});

test('with --insecure-skip-verify every request line says verification is off', async () => {
  const insecure = await openServiceWorld({ insecureSkipVerify: true });
  knownSecretValues(insecure.sandbox.secret.client_id, insecure.sandbox.secret.client_secret);
  try {
    const sent = await insecure.sandbox.sendWebhook(`${insecure.service.url}/event`, insecure.sandbox.envelopes.entryCreated(insecure.sandbox.addEntry().id), {
      forged: 'garbage',
    });
    assert.equal(sent.status, 202);
    const lines = insecure.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'webhook');
    assert.equal(lines.length, 1);
    assert.match(String(lines[0]!.verification), /DISABLED/);
  } finally {
    await insecure.close();
  }
});
