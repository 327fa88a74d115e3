import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { runCli } from '../support/cli-harness.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { S3Emulator } from '../support/s3-fauxqs.ts';
import { SecretsManagerFake } from '../support/secrets-manager-fake.ts';

interface Check {
  name: string;
  status: 'ok' | 'failed' | 'skipped';
  detail: string;
  fix?: string;
}

let fake: SecretsManagerFake;
let sandbox: SandboxTenant;
let s3: S3Emulator;
let bucket: string;
const saved = { ...process.env };

before(async () => {
  [fake, sandbox, s3] = await Promise.all([new SecretsManagerFake().start(), new SandboxTenant({ rateLimit: false }).start(), S3Emulator.start()]);
  bucket = await s3.bucket();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret, 'a-wrong-client-secret');
  // The S3 client reads its endpoint from the process env, as it would in a real run.
  Object.assign(process.env, { AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
});
after(async () => {
  process.env = saved;
  await Promise.all([fake.stop(), sandbox.stop(), s3.stop()]);
});

async function validate(secret: Record<string, string>, overrides: Record<string, string> = {}, extra: string[] = []) {
  const env = {
    ...process.env,
    ...fake.env(),
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-validate-')),
    BENCHLING_API_URL: sandbox.url,
    REGISTRY: `s3://${bucket}`,
    ...overrides,
  };
  const sync = await runCli(['secrets', 'sync', '--benchling-secrets', JSON.stringify(secret)], env);
  assert.equal(sync.code, 0, sync.stderr);
  const run = await runCli(['validate', '--json', ...extra], env);
  const { ok, checks } = JSON.parse(run.stdout) as { ok: boolean; checks: Check[] };
  return { code: run.code, ok, byName: Object.fromEntries(checks.map((c) => [c.name, c])) as Record<string, Check> };
}

test('all good: every check passes, the secret read back from AWS, exit 0', async () => {
  const result = await validate({ ...sandbox.secret }, { BENCHLING_JWKS_URL: sandbox.jwksUrl });
  assert.equal(result.code, 0, JSON.stringify(result.byName, null, 2));
  for (const name of ['secret fields', 'secret in AWS', 'secret encryption', 'Benchling OAuth', 'app definition keys', 'registry', 'template rules']) {
    assert.equal(result.byName[name]?.status, 'ok', name);
  }
});

test('a field missing from the secret in AWS is reported with its fix; exit 1', async () => {
  const env = { ...process.env, ...fake.env(), XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-validate-')), BENCHLING_API_URL: sandbox.url, REGISTRY: `s3://${bucket}` };
  await runCli(['secrets', 'sync', '--benchling-secrets', JSON.stringify(sandbox.secret)], env);
  const { app_definition_id: _gone, ...broken } = sandbox.secret;
  fake.overwrite('benchling-webhook/default', JSON.stringify(broken));
  const run = await runCli(['validate', '--json'], env);
  assert.equal(run.code, 1);
  const checks = JSON.parse(run.stdout).checks as Check[];
  const fields = checks.find((c) => c.name === 'secret fields')!;
  assert.equal(fields.status, 'failed');
  assert.match(fields.detail, /`app_definition_id` is missing/);
  assert.match(checks.find((c) => c.name === 'secret in AWS')!.fix!, /secrets sync/);
});

test('a wrong client secret fails the OAuth check, with the fix', async () => {
  const result = await validate({ ...sandbox.secret, client_secret: 'a-wrong-client-secret' }, { BENCHLING_JWKS_URL: sandbox.jwksUrl });
  assert.equal(result.code, 1);
  assert.equal(result.byName['Benchling OAuth']!.status, 'failed');
  assert.match(result.byName['Benchling OAuth']!.detail, /BENCHLING_AUTH_FAILED/);
  assert.match(result.byName['Benchling OAuth']!.fix!, /client_secret/);
  assert.equal(result.byName['registry']!.status, 'ok', 'every problem in one pass: the other checks still ran');
});

test('an app definition whose JWKS does not resolve fails the keys check, with the fix', async () => {
  const other = { ...sandbox.secret, app_definition_id: 'appdef_notthisapp' };
  const result = await validate(other, { BENCHLING_JWKS_URL: `${sandbox.url}/api/v1/apps/appdef_notthisapp/jwks` });
  assert.equal(result.code, 1);
  assert.equal(result.byName['app definition keys']!.status, 'failed');
  assert.match(result.byName['app definition keys']!.detail, /404/);
  assert.match(result.byName['app definition keys']!.fix!, /app_definition_id/);
});

test('an unreadable bucket fails the registry check, with the fix', async () => {
  const result = await validate({ ...sandbox.secret }, { BENCHLING_JWKS_URL: sandbox.jwksUrl, REGISTRY: 's3://no-such-bucket-here' });
  assert.equal(result.code, 1);
  assert.equal(result.byName['registry']!.status, 'failed');
  assert.ok(result.byName['registry']!.fix);
});

test('no registry set (the stack will create the bucket): the registry check is skipped, not run against a local default', async () => {
  const result = await validate({ ...sandbox.secret }, { BENCHLING_JWKS_URL: sandbox.jwksUrl, REGISTRY: '' });
  assert.equal(result.code, 0);
  assert.equal(result.byName['registry']!.status, 'skipped');
  assert.match(result.byName['registry']!.detail, /creates a new bucket/);
});

test('--offline passes on a synced profile without touching the network checks', async () => {
  const result = await validate({ ...sandbox.secret }, {}, ['--offline']);
  assert.equal(result.code, 0);
  assert.equal(result.byName['Benchling OAuth']!.status, 'skipped');
  assert.equal(result.byName['template rules']!.status, 'ok');
});

test('a secret under a customer-managed KMS key: ✗ naming the key and the flag, until it is told the key', async () => {
  const keyArn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const client = new SecretsManagerClient({ endpoint: fake.url, region: fake.env().AWS_REGION, credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret-key' } });
  const created = await client.send(new CreateSecretCommand({ Name: `cmk-${Date.now()}`, SecretString: JSON.stringify(sandbox.secret), KmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' }));
  client.destroy();
  const run = async (extra: string[]) => {
    const env = { ...process.env, ...fake.env(), XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-validate-')), BENCHLING_API_URL: sandbox.url, BENCHLING_JWKS_URL: sandbox.jwksUrl, REGISTRY: `s3://${bucket}`, BENCHLING_SECRETS: created.ARN! };
    const result = await runCli(['validate', '--json', ...extra], env);
    const { checks } = JSON.parse(result.stdout) as { checks: Check[] };
    return { code: result.code, check: checks.find((c) => c.name === 'secret encryption')! };
  };
  const untold = await run([]);
  assert.equal(untold.code, 1);
  assert.equal(untold.check.status, 'failed');
  assert.match(untold.check.detail, /encrypted with the KMS key 1234abcd-12ab-34cd-56ef-1234567890ab/);
  assert.match(untold.check.fix!, /--secret-kms-key-arn/);
  const wrong = await run(['--secret-kms-key-arn', keyArn.replace('1234abcd', 'ffffffff')]);
  assert.equal(wrong.check.status, 'failed');
  const told = await run(['--secret-kms-key-arn', keyArn]);
  assert.equal(told.check.status, 'ok', JSON.stringify(told.check));
  assert.equal(told.code, 0);
});
