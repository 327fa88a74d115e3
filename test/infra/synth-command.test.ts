import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeProfile } from '../../src/config/profile.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { runSynth } from './synth-cli.ts';
import { ACCOUNT, REGION, SECRET_ARN, guardOutdir, tempDir, testSecret } from './support.ts';

/** A fresh config home and nothing else: no AWS credentials, no region, no network. */
function bareEnv(): Record<string, string> {
  return { XDG_CONFIG_HOME: tempDir('bw-synth-config-'), XDG_DATA_HOME: tempDir('bw-synth-data-') };
}

test('synth --out DIR: offline, no AWS credentials, only the profile\'s secret ARN; CloudFormation validation included', async () => {
  const env = bareEnv();
  await writeProfile('default', { secretArn: SECRET_ARN }, env);
  const out = tempDir('bw-synth-out-');
  const run = await runSynth(['--out', out], env);
  assert.equal(run.code, 0, run.stderr);
  const template = join(out, 'BenchlingWebhookStack.template.json');
  assert.ok(existsSync(template));
  assert.match(run.stdout, new RegExp(`BenchlingWebhookStack \\(${ACCOUNT}/${REGION}\\)`));
  assert.match(run.stdout, /from profile default/);
  assert.match(run.stdout, /findings acknowledged, each with its reason/);
  assert.match(run.stdout, /^image: built from the Dockerfile by Docker when the stack deploys$/m, 'a clone names no published image');
  const report = JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8')) as { pluginReports: unknown[] };
  assert.deepEqual(report.pluginReports, [], 'no finding, not even a CloudFormation warning');
  guardOutdir(out);
});

test('--json, the flag over the profile, and every stack option', async () => {
  const env = bareEnv();
  await writeProfile('prod', { secretArn: SECRET_ARN.replace('AbC123', 'Old999') }, env);
  const out = tempDir('bw-synth-out-');
  const run = await runSynth(
    [
      '--profile', 'prod', '--benchling-secrets', SECRET_ARN, '--out', out, '--no-cfn-validation', '--json',
      '--vpc-id', 'vpc-0123456789abcdef0', '--subnet-ids', 'subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb',
      '--bucket-name', 'acme-packages', '--allow-cidrs', '203.0.113.0/24', '--image-uri', 'ghcr.io/acme/bw:1.0', '--alarm-email', 'ops@example.com',
    ],
    env,
  );
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout) as { stackName: string; secretArn: string; secretSource: string; template: string; image: unknown; acknowledgements: { id: string; reason: string }[] };
  assert.deepEqual(result.image, { source: 'flag', uri: 'ghcr.io/acme/bw:1.0' });
  assert.equal(result.stackName, 'BenchlingWebhookStack-prod');
  assert.equal(result.secretArn, SECRET_ARN);
  assert.equal(result.secretSource, '--benchling-secrets');
  for (const a of result.acknowledgements) assert.ok(a.reason.length >= 40, a.id);
  const template = readFileSync(result.template, 'utf8');
  for (const expected of ['vpc-0123456789abcdef0', 's3://acme-packages', '203.0.113.0/24', 'ghcr.io/acme/bw:1.0', 'ops@example.com']) assert.ok(template.includes(expected), expected);
  guardOutdir(out);
});

test('no ARN anywhere: exit 2, naming the three ways to give it', async () => {
  const run = await runSynth(['--out', tempDir('bw-synth-out-'), '--no-cfn-validation'], bareEnv());
  assert.equal(run.code, 2);
  assert.match(run.stderr, /SYNTH_NEEDS_SECRET_ARN.*--benchling-secrets <arn>, set BENCHLING_SECRETS=<arn>, or run `benchling-webhook secrets sync`/);
});

test('the older separate values stop synth with the way forward, never echoing a value', async () => {
  const secret = testSecret();
  const env = { ...bareEnv(), BENCHLING_TENANT: secret.tenant, BENCHLING_CLIENT_ID: secret.client_id, BENCHLING_CLIENT_SECRET: secret.client_secret, BENCHLING_APP_DEFINITION_ID: secret.app_definition_id };
  await writeProfile('default', { secretArn: SECRET_ARN }, env);
  const out = tempDir('bw-synth-out-');
  const run = await runSynth(['--out', out, '--no-cfn-validation'], env);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /only by its ARN, not as separate values .*BENCHLING_CLIENT_SECRET.*run `benchling-webhook secrets sync`/);
  assert.equal(existsSync(join(out, 'BenchlingWebhookStack.template.json')), false, 'no template, no secret built in one');
  const flags = await runSynth(['--out', out, '--benchling-client-secret', secret.client_secret], bareEnv());
  assert.equal(flags.code, 2);
  assert.match(flags.stderr, /--benchling-client-secret\/BENCHLING_CLIENT_SECRET/);
});

test('the secret itself (inline JSON) instead of its ARN is refused without being echoed', async () => {
  const secret = testSecret();
  knownSecretValues(secret.app_definition_id);
  const run = await runSynth(['--out', tempDir('bw-synth-out-')], { ...bareEnv(), BENCHLING_SECRETS: JSON.stringify(secret) });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /BENCHLING_SECRETS holds the secret itself; the stack takes only its ARN/);
});

test('a secret name or partial ARN is refused: the grant must name the complete ARN', async () => {
  const run = await runSynth(['--out', tempDir('bw-synth-out-'), '--benchling-secrets', 'benchling-webhook/default'], bareEnv());
  assert.equal(run.code, 2);
  assert.match(run.stderr, /SECRET_ARN_INVALID.*complete ARN/);
});

test('a region that is not the secret\'s is refused with the fix', async () => {
  const run = await runSynth(['--out', tempDir('bw-synth-out-'), '--no-cfn-validation', '--benchling-secrets', SECRET_ARN, '--region', 'eu-west-1'], bareEnv());
  assert.equal(run.code, 2);
  assert.match(run.stderr, /secrets sync --region eu-west-1/);
});
