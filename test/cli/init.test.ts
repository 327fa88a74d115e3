import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { profilePath, readProfile } from '../../src/config/profile.ts';
import { resolveStackInputs } from '../../src/infra/inputs.ts';
import type { SandboxTenant } from '../../src/sandbox/index.ts';
import { runCli } from '../support/cli-harness.ts';
import type { S3Emulator } from '../support/s3-fauxqs.ts';
import { startInitFakes, type InitFakes } from '../support/init-fakes.ts';
import { CloudFormationFake } from '../support/cloudformation-fake.ts';
import { QuiltCatalogFake } from '../support/quilt-catalog-fake.ts';
import type { SecretsManagerFake } from '../support/secrets-manager-fake.ts';

let fake: SecretsManagerFake;
let sandbox: SandboxTenant;
let s3: S3Emulator;
let bucket: string;
const WRONG_SECRET = 'init-wrong-client-secret';

let fakes: InitFakes;
before(async () => {
  fakes = await startInitFakes(WRONG_SECRET);
  ({ fake, sandbox, s3, bucket } = fakes);
});
after(() => fakes.stop());

/** A fresh config dir, the fakes, and no ~/.aws of the machine running the tests. */
async function world(extra: Record<string, string> = {}): Promise<Record<string, string | undefined>> {
  const dir = await mkdtemp(join(tmpdir(), 'bw-init-'));
  return {
    PATH: process.env.PATH,
    ...fake.env(),
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    XDG_CONFIG_HOME: join(dir, 'config'),
    AWS_CONFIG_FILE: join(dir, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
    BENCHLING_API_URL: sandbox.url,
    BENCHLING_JWKS_URL: sandbox.jwksUrl,
    ...extra,
  };
}

function secretFlags(overrides: Partial<Record<'tenant' | 'client_id' | 'client_secret' | 'app_definition_id', string>> = {}): string[] {
  const s = { ...sandbox.secret, ...overrides };
  return [
    '--benchling-tenant', s.tenant,
    '--benchling-client-id', s.client_id,
    '--benchling-client-secret', s.client_secret,
    '--benchling-app-definition-id', s.app_definition_id,
  ];
}

test('init --yes with flags checks each answer, stores the secret, writes a profile that validate --offline passes', async () => {
  const env = await world();
  const run = await runCli(['init', '--yes', '--region', 'us-east-1', ...secretFlags(), '--bucket-name', bucket, '--new-vpc', '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /deprecated/, 'init takes the separate secret flags without the deprecation notice');
  const out = JSON.parse(run.stdout);
  assert.equal(out.path, profilePath('default', env));
  assert.equal(out.secret.stored, 'written');
  assert.deepEqual(out.settings, {
    region: 'us-east-1',
    secretArn: out.secret.arn,
    bucketName: bucket,
    registry: `s3://${bucket}`,
    packagePrefix: 'benchling',
    packageLinkKey: 'experiment_id',
  });
  assert.deepEqual(JSON.parse(fake.current(out.secret.arn)!.secretString), sandbox.secret);
  assert.equal((await stat(out.path)).mode & 0o777, 0o600);
  const text = await readFile(out.path, 'utf8');
  for (const value of [sandbox.secret.client_id, sandbox.secret.client_secret]) assert.ok(!text.includes(value), 'no secret value in the profile');

  const validate = await runCli(['validate', '--offline', '--json'], env);
  assert.equal(validate.code, 0, validate.stdout);
  const checks = JSON.parse(validate.stdout).checks as { name: string; status: string; detail: string }[];
  // Offline, the secret the profile records stays in Secrets Manager, unread: reading it is a network call.
  assert.equal(checks.find((c) => c.name === 'secret fields')?.status, 'skipped');
  assert.match(checks.find((c) => c.name === 'secret fields')!.detail, /is in Secrets Manager: not read \(--offline\)/);
  assert.equal(checks.find((c) => c.name === 'template rules')?.status, 'ok');
});

test('--benchling-secrets naming a secret in AWS: its fields answer the questions and its ARN is recorded', async () => {
  const env = await world();
  const { arn } = fake.seed('team/benchling-app', JSON.stringify(sandbox.secret));
  const run = await runCli(['init', '--yes', '--region', 'us-east-1', '--benchling-secrets', arn, '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.deepEqual(out.secret, { stored: 'written', action: 'unchanged', arn });
  assert.equal(out.settings.secretArn, arn);
});

test('--yes with a required value missing is a usage error naming the flag; nothing is written', async () => {
  const env = await world();
  const noSecret = await runCli(['init', '--yes', '--region', 'us-east-1', '--new-bucket'], env);
  assert.equal(noSecret.code, 2);
  assert.match(noSecret.stderr, /error \[INIT_ANSWER_MISSING\]: --benchling-tenant is required with --yes/);

  const { AWS_REGION: _region, ...noRegionEnv } = env;
  const noRegion = await runCli(['init', '--yes', ...secretFlags()], noRegionEnv);
  assert.equal(noRegion.code, 2);
  assert.match(noRegion.stderr, /--region is required with --yes/);

  const halfVpc = await runCli(['init', '--yes', '--region', 'us-east-1', ...secretFlags(), '--vpc-id', 'vpc-0123456789abcdef0'], env);
  assert.equal(halfVpc.code, 2);
  assert.match(halfVpc.stderr, /--vpc-id needs --subnet-ids/);
  const both = await runCli(['init', '--yes', '--region', 'us-east-1', ...secretFlags(), '--new-bucket', '--bucket-name', bucket], env);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--new-bucket and --bucket-name exclude each other/);

  // The test runner's stdin is not a terminal: without --yes there is no one to ask.
  const noTerminal = await runCli(['init', '--region', 'us-east-1'], env);
  assert.equal(noTerminal.code, 2);
  assert.match(noTerminal.stderr, /error \[INIT_NEEDS_TERMINAL\]: .*pass --yes/);
  assert.equal(await readProfile('default', env), undefined);
});

test('a wrong client secret fails at its own question (exit 1), naming the flag; nothing is stored', async () => {
  const env = await world();
  const calls = fake.calls.length;
  const run = await runCli(['init', '--yes', '--region', 'us-east-1', ...secretFlags({ client_secret: WRONG_SECRET }), '--new-bucket'], env);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /error \[INIT_CHECK_FAILED\]: --benchling-client-secret: .*gave no OAuth token/);
  assert.equal(fake.calls.length, calls, 'Secrets Manager was not called');
  assert.equal(await readProfile('default', env), undefined);

  const badAppdef = await runCli(['init', '--yes', '--region', 'us-east-1', ...secretFlags({ app_definition_id: 'app_notadefinition' }), '--new-bucket'], env);
  assert.equal(badAppdef.code, 2);
  assert.match(badAppdef.stderr, /--benchling-app-definition-id: app_definition_id must start with appdef_/);

  const badBucket = await runCli(['init', '--yes', '--region', 'us-east-1', ...secretFlags(), '--bucket-name', 'no-such-bucket-here'], env);
  assert.equal(badBucket.code, 1);
  assert.match(badBucket.stderr, /--bucket-name <name> or --new-bucket: bucket no-such-bucket-here is not usable/);
});

test('re-running init --yes with one changed flag keeps every other value and the stored secret', async () => {
  const env = await world();
  const vpc = ['--vpc-id', 'vpc-0123456789abcdef0', '--subnet-ids', 'subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb'];
  // A catalog whose region is all there is to discover: no stack of the (loopback) CloudFormation serves it.
  const [catalog, cloudFormation] = await Promise.all([new QuiltCatalogFake({ region: 'us-east-1' }).start(), new CloudFormationFake().start()]);
  const first = await runCli(['init', '--yes', '--profile', 'lab', '--region', 'us-east-1', ...secretFlags(), '--bucket-name', bucket, ...vpc, '--allow-cidrs', '203.0.113.0/24', '--quilt-catalog', catalog.url, '--json'], { ...env, ...cloudFormation.env() });
  await Promise.all([catalog.stop(), cloudFormation.stop()]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout).settings.quiltCatalog, catalog.host);
  const before = JSON.parse(first.stdout);
  const versions = fake.find(before.secret.arn)!.versions.length;

  const again = await runCli(['init', '--yes', '--profile', 'lab', '--package-prefix', 'lab-notebooks', '--json'], env);
  assert.equal(again.code, 0, again.stderr);
  const after = JSON.parse(again.stdout);
  assert.deepEqual(after.settings, { ...before.settings, packagePrefix: 'lab-notebooks' });
  assert.equal(after.secret.stored, 'kept');
  assert.equal(fake.find(before.secret.arn)!.versions.length, versions, 'an unchanged secret adds no version');

  const offline = await runCli(['init', '--yes', '--profile', 'lab', '--offline', '--json'], env);
  assert.equal(offline.code, 0, offline.stderr);
  assert.equal(JSON.parse(offline.stdout).secret.stored, 'kept', 'offline, the recorded secret stays without being read');
  assert.doesNotMatch(offline.stderr, /not stored/);

  // synth, deploy and validate see what init wrote.
  const profile = await readProfile('lab', env);
  const inputs = resolveStackInputs({}, { env, profileName: 'lab', profile });
  assert.deepEqual(inputs.props.existingVpc, { vpcId: 'vpc-0123456789abcdef0', privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'] });
  assert.equal(inputs.props.existingBucketName, bucket);
  assert.deepEqual(inputs.props.allowedSourceCidrs, ['203.0.113.0/24']);
  assert.equal(inputs.props.settings?.packagePrefix, 'lab-notebooks');
  const flagged = resolveStackInputs({ bucketName: 'other-bucket', vpcId: 'vpc-0fffffffffffffff0', subnetIds: 'subnet-01111111111111111,subnet-02222222222222222' }, { env, profileName: 'lab', profile });
  assert.equal(flagged.props.existingBucketName, 'other-bucket', 'flags beat the profile');
  assert.deepEqual(flagged.props.existingVpc?.privateSubnetIds, ['subnet-01111111111111111', 'subnet-02222222222222222']);

  const reset = await runCli(['init', '--yes', '--profile', 'lab', '--new-bucket', '--new-vpc', '--allow-cidrs', 'none', '--quilt-catalog', 'none', '--json'], env);
  assert.equal(reset.code, 0, reset.stderr);
  const cleared = JSON.parse(reset.stdout).settings;
  for (const key of ['bucketName', 'registry', 'vpcId', 'subnetIds', 'allowCidrs', 'quiltCatalog']) assert.equal(key in cleared, false, key);
  assert.equal(cleared.secretArn, before.settings.secretArn);
});

test('--offline: format checks still run, the secret is not stored, and the way to store it later is printed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bw-init-offline-'));
  // No AWS at all: no endpoint, no credentials, no region but the AWS profile's.
  await writeFile(join(dir, 'aws-config'), '[default]\nregion = eu-west-2\n[profile lab]\nregion = eu-central-1\n');
  const env = { PATH: process.env.PATH, XDG_CONFIG_HOME: join(dir, 'config'), AWS_CONFIG_FILE: join(dir, 'aws-config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') };

  const badTenant = await runCli(['init', '--yes', '--offline', ...secretFlags({ tenant: 'not a tenant!' }), '--new-bucket'], env);
  assert.equal(badTenant.code, 2);
  assert.match(badTenant.stderr, /--benchling-tenant: tenant is not a Benchling tenant/);

  const unknownProfile = await runCli(['init', '--yes', '--offline', '--aws-profile', 'nope', ...secretFlags()], env);
  assert.equal(unknownProfile.code, 2);
  assert.match(unknownProfile.stderr, /AWS profile nope is not in ~\/.aws\/config .*pick one of: default, lab/);

  const run = await runCli(['init', '--yes', '--offline', '--aws-profile', 'lab', ...secretFlags(), '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(out.secret.stored, 'not-stored');
  assert.deepEqual(out.settings, { awsProfile: 'lab', region: 'eu-central-1', packagePrefix: 'benchling', packageLinkKey: 'experiment_id' });
  assert.match(run.stderr, /the secret was not stored \(--offline\)/);
  assert.match(run.stderr, /BENCHLING_SECRETS='\{"tenant":"…","client_id":"…","client_secret":"…","app_definition_id":"…"\}' benchling-webhook secrets sync --profile default --region eu-central-1/);
});
