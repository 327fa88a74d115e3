import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { knownSecretValues } from '../support/leak-guard.ts';
import { openServiceWorld, type ServiceWorld } from '../support/service-world.ts';

let world: ServiceWorld;
before(async () => {
  world = await openServiceWorld();
  knownSecretValues(world.sandbox.secret.client_id, world.sandbox.secret.client_secret);
});
after(() => world.close());

const url = (path: string) => `${world.service.url}${path}`;
const depth = async () => (await world.queue.depth()).waiting + (await world.queue.depth()).inFlight;

for (const stage of ['', '/prod']) {
  describe(`routes under "${stage || '/'}"`, () => {
    test('entry events on /event and on the bare path are queued: 202 with the job id', async () => {
      const entry = world.sandbox.addEntry();
      for (const path of ['/event', '']) {
        const sent = await world.sandbox.sendWebhook(url(`${stage}${path}`), world.sandbox.envelopes.entryCreated(entry.id));
        assert.equal(sent.status, 202, JSON.stringify(sent.body));
        const body = sent.body as { status: string; job: string };
        assert.equal(body.status, 'accepted');
        assert.match(body.job, /\S+/);
      }
    });

    test('canvas messages on /canvas: 202', async () => {
      const entry = world.sandbox.addEntry();
      const sent = await world.sandbox.sendWebhook(url(`${stage}/canvas`), world.sandbox.envelopes.canvasInitialized({ resourceId: entry.id }));
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      const created = await world.sandbox.sendWebhook(
        url(`${stage}/canvas`),
        world.sandbox.envelopes.canvasCreated({ canvasId: 'cnvs_x1', resourceId: entry.id }),
      );
      assert.equal(created.status, 202);
    });

    test('lifecycle: 200 and nothing queued; an unknown type: 200 ignored', async () => {
      const before = await depth();
      const installed = await world.sandbox.sendWebhook(url(`${stage}/lifecycle`), world.sandbox.envelopes.appInstalled());
      assert.equal(installed.status, 200);
      const unknown = world.sandbox.envelopes.entryCreated('etr_unknown') as unknown as { message: { type: string } };
      unknown.message.type = 'v2.request.created';
      const ignored = await world.sandbox.sendWebhook(url(`${stage}/event`), unknown as never);
      assert.equal(ignored.status, 200);
      assert.deepEqual(ignored.body, { status: 'ignored' });
      assert.equal(await depth(), before);
    });

    test('the type decides, not the suffix: an entry event posted to /lifecycle is still queued', async () => {
      const sent = await world.sandbox.sendWebhook(url(`${stage}/lifecycle`), world.sandbox.envelopes.entryCreated(world.sandbox.addEntry().id));
      assert.equal(sent.status, 202);
    });

    test('a repeated webhook-id: 200 duplicate, nothing new queued', async () => {
      const envelope = world.sandbox.envelopes.entryCreated(world.sandbox.addEntry().id);
      const first = await world.sandbox.sendWebhook(url(`${stage}/event`), envelope, { id: `msg_dup${stage.length}` });
      assert.equal(first.status, 202);
      const before = await depth();
      const again = await world.sandbox.sendWebhook(url(`${stage}/event`), envelope, { id: `msg_dup${stage.length}` });
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, { status: 'duplicate' });
      assert.equal(await depth(), before);
    });

    test('401 with the reason for each kind of bad signature, and nothing queued', async () => {
      const envelope = world.sandbox.envelopes.entryCreated(world.sandbox.addEntry().id);
      const before = await depth();
      const missing = await world.sandbox.sendWebhook(url(`${stage}/event`), envelope, { headers: { 'webhook-signature': undefined } });
      assert.deepEqual([missing.status, missing.body], [401, { error: 'unauthorized', reason: 'missing_headers' }]);
      const stale = await world.sandbox.sendWebhook(url(`${stage}/event`), envelope, { timestamp: Math.floor(Date.now() / 1000) - 301 });
      assert.deepEqual([stale.status, stale.body], [401, { error: 'unauthorized', reason: 'stale_timestamp' }]);
      for (const forged of ['wrong-key', 'bad-signature', 'garbage'] as const) {
        const sent = await world.sandbox.sendWebhook(url(`${stage}/event`), envelope, { forged });
        assert.deepEqual([sent.status, sent.body], [401, { error: 'unauthorized', reason: 'invalid_signature' }], forged);
      }
      assert.equal(await depth(), before);
    });

    test('another tenant in baseURL: 403 tenant_mismatch', async () => {
      const envelope = world.sandbox.envelopes.entryCreated(world.sandbox.addEntry().id);
      const sent = await world.sandbox.sendWebhook(url(`${stage}/event`), { ...envelope, baseURL: 'https://evil.benchling.com' });
      assert.deepEqual([sent.status, sent.body], [403, { error: 'forbidden', reason: 'tenant_mismatch' }]);
    });

    test('signed but not JSON, or not an envelope: 400 bad_request', async () => {
      for (const body of ['not json', '{"hello":"world"}', '[]']) {
        const sent = await world.sandbox.sendWebhook(url(`${stage}/event`), body);
        assert.equal(sent.status, 400, body);
        assert.equal((sent.body as { error: string }).error, 'bad_request');
        assert.equal(typeof (sent.body as { message: string }).message, 'string');
      }
    });

    test('a body over 1 MiB: 413', async () => {
      const big = JSON.stringify({ pad: 'x'.repeat(1024 * 1024) });
      const sent = await world.sandbox.sendWebhook(url(`${stage}/event`), big);
      assert.equal(sent.status, 413);
    });

    test('GET /health: 200 with the version; /health/ready: 200 with every check', async () => {
      const health = await fetch(url(`${stage}/health`));
      assert.deepEqual([health.status, await health.json()], [200, { status: 'ok', version: '0.0.0-test' }]);
      const ready = await fetch(url(`${stage}/health/ready`));
      const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean }> };
      assert.equal(ready.status, 200, JSON.stringify(body));
      assert.deepEqual(Object.keys(body.checks).sort(), ['jwks', 'queue', 'registry', 'secret']);
    });
  });
}

test('unknown paths: 404', async () => {
  assert.equal((await fetch(url('/a/b/c'), { method: 'POST' })).status, 404);
  assert.equal((await fetch(url('/nope'))).status, 404);
});

test('JWKS unreachable: 503 so that Benchling retries, and /health/ready names the jwks check', async () => {
  const broken = await openServiceWorld({ jwksUrl: 'http://127.0.0.1:9/jwks' });
  try {
    const envelope = broken.sandbox.envelopes.entryCreated(broken.sandbox.addEntry().id);
    const sent = await broken.sandbox.sendWebhook(`${broken.service.url}/event`, envelope);
    assert.equal(sent.status, 503);
    const ready = await fetch(`${broken.service.url}/health/ready`);
    const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    assert.equal(ready.status, 503);
    assert.equal(body.status, 'not_ready');
    assert.equal(body.checks.jwks!.ok, false);
    assert.equal(body.checks.secret!.ok, true);
    assert.equal((await broken.queue.depth()).waiting, 0);
  } finally {
    await broken.close();
  }
});
