import assert from 'node:assert/strict';
import { stat, readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { profilePath } from '../../src/config/profile.ts';
import { runBin, runCli } from '../support/cli-harness.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { openSecretWorld, type SecretWorld } from '../support/secret-world.ts';

const SECRET = {
  tenant: 'acme.benchling.com',
  client_id: 'sync-client-id-0001',
  client_secret: 'sync-client-secret-0002',
  app_definition_id: 'appdef_sync0003',
};

knownSecretValues(SECRET.client_id, SECRET.client_secret, 'sync-client-secret-rotated', 'old-id-1');

let world: SecretWorld;
before(async () => {
  world = await openSecretWorld();
});
after(() => world.close());

test('sync creates, then a changed secret becomes a new AWSCURRENT version, and check reads it back', async () => {
  const env = world.baseEnv;
  const created = await runCli(['secrets', 'sync', '--benchling-secrets', JSON.stringify(SECRET), '--json'], env);
  assert.equal(created.code, 0, created.stderr);
  const first = JSON.parse(created.stdout);
  assert.equal(first.action, 'created');
  assert.equal(first.name, 'benchling-webhook/default');
  assert.deepEqual(first.fields, ['tenant', 'client_id', 'client_secret', 'app_definition_id']);
  const stored = world.fake.find('benchling-webhook/default')!;
  assert.equal(stored.tags.get('managed-by'), 'benchling-webhook');
  assert.deepEqual(JSON.parse(world.fake.current(first.arn)!.secretString), { ...SECRET, tenant: 'acme' });

  const rotated = { ...SECRET, client_secret: 'sync-client-secret-rotated' };
  const updated = await runCli(['secrets', 'sync', '--benchling-secrets', JSON.stringify(rotated)], env);
  assert.equal(updated.code, 0, updated.stderr);
  assert.match(updated.stdout, /^updated secret benchling-webhook\/default/);
  assert.match(updated.stdout, /changes: changed client_secret \(new version is AWSCURRENT\)/);
  assert.equal(stored.versions.length, 2);
  assert.deepEqual(stored.versions.map((v) => v.stages), [['AWSPREVIOUS'], ['AWSCURRENT']]);
  assert.equal(JSON.parse(stored.versions[1]!.secretString).client_secret, rotated.client_secret);

  const check = await runCli(['secrets', 'check', '--benchling-secrets', first.arn, '--json'], env);
  assert.equal(check.code, 0, check.stdout);
  const report = JSON.parse(check.stdout);
  assert.equal(report.complete, true);
  assert.equal(report.source.kind, 'aws');

  const again = await runCli(['secrets', 'sync', '--benchling-secrets', JSON.stringify(rotated)], env);
  assert.match(again.stdout, /^already up to date: secret benchling-webhook\/default/);
  assert.equal(stored.versions.length, 2, 'an unchanged secret adds no version');
});

test('sync records the ARN in the profile (mode 0600, no values), and the profile then supplies the secret', async () => {
  const env = world.baseEnv;
  const run = await runCli(['secrets', 'sync', '--profile', 'lab', '--benchling-secrets', JSON.stringify(SECRET), '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  const { arn } = JSON.parse(run.stdout);
  const path = profilePath('lab', env);
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  const text = await readFile(path, 'utf8');
  assert.deepEqual(JSON.parse(text), { secretArn: arn });
  for (const value of [SECRET.client_id, SECRET.client_secret]) assert.ok(!text.includes(value));

  const check = await runCli(['secrets', 'check', '--profile', 'lab'], env);
  assert.equal(check.code, 0, check.stdout);
  assert.match(check.stdout, /from profile lab \(Secrets Manager arn:aws:secretsmanager:/);
});

test('a secret in AWS that lacks a field is reported by field name when read', async () => {
  const { arn } = world.fake.seed('hand-made', JSON.stringify({ tenant: 'acme', client_id: 'abcd', client_secret: 'efgh' }));
  const run = await runCli(['secrets', 'check', '--benchling-secrets', arn], world.baseEnv);
  assert.equal(run.code, 1);
  assert.match(run.stdout, /✗ app_definition_id +missing/);
  assert.match(run.stdout, /`app_definition_id` is missing: .*add "app_definition_id" to the secret arn:aws:secretsmanager:.*hand-made/);
});

test('sync refuses an incomplete secret and writes nothing', async () => {
  const before = world.fake.calls.length;
  const { app_definition_id: _dropped, ...partial } = SECRET;
  const run = await runCli(['secrets', 'sync', '--secret-name', 'never-written', '--benchling-secrets', JSON.stringify(partial)], world.baseEnv);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /nothing was written/);
  assert.equal(world.fake.find('never-written'), undefined);
  assert.equal(world.fake.calls.length, before, 'no AWS call at all');
});

test('sync shows which fields change when the secret in AWS differs, names only', async () => {
  world.fake.seed('drifted', JSON.stringify({ tenant: 'acme', client_id: 'old-id-1', stale_key: 'x' }));
  const run = await runCli(['secrets', 'sync', '--secret-name', 'drifted', '--benchling-secrets', JSON.stringify(SECRET)], world.baseEnv);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /changes: added client_secret, app_definition_id; changed client_id; removed stale_key/);
  assert.ok(!run.stdout.includes('old-id-1'));
});

test('a missing secret by ARN is an actionable error', async () => {
  const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-AbCdEf';
  const run = await runCli(['secrets', 'check', '--benchling-secrets', arn], world.baseEnv);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /error \[SECRET_NOT_FOUND\]: Secrets Manager has no secret .*nope.*secrets sync/);
});

test('the real binary finds the fake through AWS_ENDPOINT_URL_SECRETS_MANAGER alone', async () => {
  const run = await runBin(['secrets', 'sync', '--secret-name', 'via-env', '--json'], {
    ...world.baseEnv,
    BENCHLING_SECRETS: JSON.stringify(SECRET),
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).action, 'created');
  assert.ok(world.fake.find('via-env'));
});
