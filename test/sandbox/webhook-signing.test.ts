import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { JsonWebKey } from 'node:crypto';
import { SandboxTenant, type WebhookHeaders } from '../../src/sandbox/index.ts';
import { verifies } from './sandbox-client.ts';

type Jwks = { keys: JsonWebKey[] };
const asRecord = (h: WebhookHeaders): Record<string, string> => ({ ...h });

describe('sandbox tenant: JWKS and webhook signatures', () => {
  let tenant: SandboxTenant;
  const jwks = async (): Promise<Jwks> => (await (await fetch(tenant.jwksUrl)).json()) as Jwks;
  before(async () => (tenant = await new SandboxTenant({ rateLimit: false }).start()));
  after(() => tenant.stop());

  test('serves the app definition’s EC P-256 keys at the apps.benchling.com path shape; other appdefs are 404', async () => {
    assert.equal(tenant.jwksUrl, `${tenant.url}/api/v1/apps/${tenant.secret.app_definition_id}/jwks`);
    const { keys } = await jwks();
    assert.equal(keys.length, 1);
    assert.equal(keys[0]!.kty, 'EC');
    assert.equal(keys[0]!.crv, 'P-256');
    assert.equal(keys[0]!.d, undefined, 'no private part is published');
    assert.equal((await fetch(`${tenant.url}/api/v1/apps/appdef_other/jwks`)).status, 404);
  });

  test('a signed body verifies against the served JWKS; a changed body does not', async () => {
    const body = JSON.stringify(tenant.envelopes.entryCreated(tenant.demoEntry.id));
    const headers = tenant.signWebhook(body, { id: 'msg_fixed', timestamp: 1_700_000_000 });
    assert.equal(headers['webhook-id'], 'msg_fixed');
    assert.equal(headers['webhook-timestamp'], '1700000000');
    assert.match(headers['webhook-signature'], /^v1bder,[A-Za-z0-9+/]+=*$/);
    assert.equal(verifies(await jwks(), asRecord(headers), body), true);
    assert.equal(verifies(await jwks(), asRecord(headers), `${body} `), false);
    const fresh = tenant.signWebhook(Buffer.from(body));
    assert.ok(Math.abs(Number(fresh['webhook-timestamp']) - Date.now() / 1000) < 5);
    assert.notEqual(fresh['webhook-id'], headers['webhook-id']);
  });

  test('every forgery fails verification', async () => {
    const body = '{"version":"0"}';
    for (const forged of ['wrong-key', 'bad-signature', 'not-der', 'garbage'] as const) {
      assert.equal(verifies(await jwks(), asRecord(tenant.signWebhook(body, { forged })), body), false, forged);
    }
    assert.match(tenant.signWebhook(body, { forged: 'not-der' })['webhook-signature'], /^v1,/);
  });

  test('after a rotation the new key signs; old keys stay published until dropped', async () => {
    const body = '{}';
    const before = await jwks();
    const kid = tenant.rotateKeys();
    const rotated = tenant.signWebhook(body);
    assert.equal(verifies(before, asRecord(rotated), body), false, 'a stale key set does not verify the new signature');
    const both = await jwks();
    assert.equal(both.keys.length, 2);
    assert.equal(both.keys.at(-1)!.kid, kid);
    assert.equal(verifies(both, asRecord(rotated), body), true);
    const dual = tenant.signWebhook(body, { allKeys: true });
    assert.equal(dual['webhook-signature'].split(' ').length, 2);
    assert.equal(verifies(before, asRecord(dual), body), true, 'signed by every key, the old set still verifies');
    tenant.rotateKeys({ dropOld: true });
    assert.equal((await jwks()).keys.length, 1);
  });
});

describe('sandbox tenant: envelopes and delivery', () => {
  let tenant: SandboxTenant;
  let receiver: Server;
  let receiverUrl: string;
  const received: { headers: Record<string, string>; body: string }[] = [];

  before(async () => {
    tenant = await new SandboxTenant({ rateLimit: false }).start();
    receiver = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString() });
      const ok = verifies((await (await fetch(tenant.jwksUrl)).json()) as Jwks, req.headers as Record<string, string>, Buffer.concat(chunks).toString());
      res.writeHead(ok ? 202 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: ok ? 'accepted' : 'unauthorized' }));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/event`;
  });
  after(async () => {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    await tenant.stop();
  });

  test('envelopes have the real outer shape', () => {
    const envelope = tenant.envelopes.entryCreated(tenant.demoEntry.id);
    assert.deepEqual(Object.keys(envelope).sort(), ['app', 'appDefinition', 'baseURL', 'channel', 'message', 'tenantId', 'version']);
    assert.equal(envelope.version, '0');
    assert.equal(envelope.baseURL, tenant.url);
    assert.match(envelope.tenantId, /^ten_/);
    assert.deepEqual(envelope.app, { id: tenant.appId });
    assert.equal(envelope.appDefinition.id, tenant.secret.app_definition_id);
    assert.equal(envelope.channel, 'events');
    assert.match(envelope.message.id, /^evt_/);
    assert.equal(envelope.message.resourceId, tenant.demoEntry.id);
    assert.deepEqual(envelope.message.schema, tenant.demoEntry.schema);
    assert.deepEqual(envelope.message.excludedProperties, []);
  });

  test('each message type carries its own fields, and only those', () => {
    const e = tenant.envelopes;
    const entryId = tenant.demoEntry.id;
    const fields = e.entryUpdatedFields(entryId, ['fields.Cost Center']);
    assert.equal(fields.message.type, 'v2.entry.updated.fields');
    assert.deepEqual(fields.message.updates, ['fields.Cost Center']);
    assert.equal(e.entryUpdatedReviewRecord(entryId).message.type, 'v2.entry.updated.reviewRecord');
    const initialized = e.canvasInitialized({ resourceId: entryId });
    assert.equal(initialized.channel, 'app_signals');
    assert.equal('canvasId' in initialized.message, false, 'initialized has no canvasId');
    assert.equal(initialized.message.featureId, 'quilt_entry');
    assert.match(initialized.message.userId, /^ent_/);
    const created = e.canvasCreated({ canvasId: 'cnvs_1', resourceId: entryId });
    assert.equal(created.message.canvasId, 'cnvs_1');
    const clicked = e.canvasUserInteracted({ canvasId: 'cnvs_1', buttonId: 'update-package' });
    assert.equal('resourceId' in clicked.message, false, 'interactions have no resourceId');
    assert.equal(clicked.message.buttonId, 'update-package');
    const installed = e.appInstalled();
    assert.deepEqual(installed.message, { type: 'v2.app.installed', deprecated: false });
    assert.equal(e.entryCreated('etr_unknown').message.schema, null);
  });

  test('sendWebhook POSTs the exact signed bytes and returns the reply', async () => {
    const envelope = tenant.envelopes.entryCreated(tenant.demoEntry.id);
    const delivery = await tenant.sendWebhook(receiverUrl, envelope, { id: 'msg_once' });
    assert.equal(delivery.status, 202);
    assert.deepEqual(delivery.body, { status: 'accepted' });
    assert.equal(delivery.webhookId, 'msg_once');
    const last = received.at(-1)!;
    assert.equal(last.body, JSON.stringify(envelope));
    assert.equal(last.headers['content-type'], 'application/json');
  });

  test('sendWebhook can forge, remove a header, or send a raw body', async () => {
    const envelope = tenant.envelopes.appInstalled();
    assert.equal((await tenant.sendWebhook(receiverUrl, envelope, { forged: 'wrong-key' })).status, 401);
    const missing = await tenant.sendWebhook(receiverUrl, envelope, { headers: { 'webhook-signature': undefined } });
    assert.equal(missing.status, 401);
    assert.equal(received.at(-1)!.headers['webhook-signature'], undefined);
    const raw = '{ "pretty":  true }\n';
    assert.equal((await tenant.sendWebhook(receiverUrl, raw)).status, 202);
    assert.equal(received.at(-1)!.body, raw);
  });

  test('using the tenant before start() is a clear AppError', () => {
    const idle = new SandboxTenant();
    assert.throws(() => idle.url, { name: 'AppError', code: 'sandbox_not_started' });
    assert.throws(() => idle.addEntry(), { name: 'AppError' });
    assert.deepEqual(Object.keys(idle.secret).length, 4);
  });
});
