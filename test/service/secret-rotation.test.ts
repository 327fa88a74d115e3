import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AwsSecretStore } from '../../src/secret/aws-secret-store.ts';
import { resolveSecret } from '../../src/secret/resolve.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { SecretsManagerFake } from '../support/secrets-manager-fake.ts';
import { openServiceWorld, type ServiceWorld } from '../support/service-world.ts';

const TTL_MS = 200;
let fake: SecretsManagerFake;
let world: ServiceWorld;
let arn: string;

before(async () => {
  fake = await new SecretsManagerFake().start();
  const store = new AwsSecretStore(
    new SecretsManagerClient({ endpoint: fake.url, region: fake.region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
  );
  const placeholder = { tenant: 'alpha', client_id: 'rotation-client-id', client_secret: 'rotation-client-secret', app_definition_id: 'appdef_x' };
  knownSecretValues(placeholder.client_id, placeholder.client_secret, 'rotation-client-secret-2');
  arn = fake.seed('svc/rotation', JSON.stringify(placeholder)).arn;
  // No BENCHLING_API_URL: the API base follows the secret's tenant, which makes a rotation observable.
  world = await openServiceWorld({
    apiUrl: undefined,
    secretTtlMs: TTL_MS,
    loadSecret: () =>
      resolveSecret({ flags: { benchlingSecrets: arn }, env: {} }, { readFile: async () => '', secretStore: () => store }),
  });
  fake.overwrite(arn, JSON.stringify({ ...placeholder, app_definition_id: world.sandbox.secret.app_definition_id }));
});
after(async () => {
  await world.close();
  await fake.stop();
});

async function sendFor(tenant: string) {
  const envelope = world.sandbox.envelopes.entryCreated(world.sandbox.addEntry().id);
  return world.sandbox.sendWebhook(`${world.service.url}/event`, { ...envelope, baseURL: `https://${tenant}.benchling.com` });
}

async function waitFor(condition: () => Promise<boolean>, limitMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if (await condition()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`condition not met within ${limitMs} ms`);
}

test('valid → valid: the new version is in use within one TTL', async () => {
  await waitFor(async () => (await sendFor('alpha')).status === 202, 3 * TTL_MS);
  const current = JSON.parse(fake.current(arn)!.secretString);
  fake.overwrite(arn, JSON.stringify({ ...current, tenant: 'beta', client_secret: 'rotation-client-secret-2' }));
  const took = await waitFor(async () => (await sendFor('beta')).status === 202, 5 * TTL_MS);
  assert.ok(took <= TTL_MS + 100, `took ${took} ms`);
  assert.equal((await sendFor('alpha')).status, 403);
  assert.equal(world.secret.current.client_secret, 'rotation-client-secret-2');
});

test('valid → incomplete: serving goes on with the last good version; /health/ready names the missing field', async () => {
  const { app_definition_id: _dropped, ...broken } = JSON.parse(fake.current(arn)!.secretString);
  fake.overwrite(arn, JSON.stringify(broken));
  let body: { status: string; checks: { secret: { ok: boolean; detail?: string[] } } } | undefined;
  await waitFor(async () => {
    const ready = await fetch(`${world.service.url}/health/ready`);
    body = (await ready.json()) as typeof body;
    return ready.status === 503;
  }, 5 * TTL_MS);
  assert.equal(body!.status, 'not_ready');
  assert.equal(body!.checks.secret.ok, false);
  assert.match(body!.checks.secret.detail!.join('\n'), /`app_definition_id` is missing/);
  assert.equal((await sendFor('beta')).status, 202, 'the last good secret is still in use');
  assert.ok(world.logs.some((line) => line.includes('the last good version stays in use')));

  fake.overwrite(arn, JSON.stringify({ ...broken, app_definition_id: world.sandbox.secret.app_definition_id }));
  await waitFor(async () => (await fetch(`${world.service.url}/health/ready`)).status === 200, 5 * TTL_MS);
});
