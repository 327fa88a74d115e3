import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { profilePath, readProfile } from '../../src/config/profile.ts';
import type { SandboxTenant } from '../../src/sandbox/index.ts';
import { runCli } from '../support/cli-harness.ts';
import { runInTerminal } from '../support/pty-session.ts';
import type { S3Emulator } from '../support/s3-fauxqs.ts';
import { startInitFakes, type InitFakes } from '../support/init-fakes.ts';
import type { SecretsManagerFake } from '../support/secrets-manager-fake.ts';

let fake: SecretsManagerFake;
let sandbox: SandboxTenant;
let s3: S3Emulator;
let bucket: string;
const WRONG_SECRET = 'terminal-wrong-client-secret';

let fakes: InitFakes;
before(async () => {
  fakes = await startInitFakes(WRONG_SECRET);
  ({ fake, sandbox, s3, bucket } = fakes);
});
after(() => fakes.stop());

const ENTER = '\r';
const DOWN = '\x1b[B';
const CLEAR_LINE = '\x15';
const CTRL_C = '\x03';

async function freshEnv(): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'bw-init-pty-'));
  return {
    ...fake.env(),
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    XDG_CONFIG_HOME: join(dir, 'config'),
    AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    BENCHLING_API_URL: sandbox.url,
    BENCHLING_JWKS_URL: sandbox.jwksUrl,
  };
}

/** A loopback port with nothing listening: EC2 calls fail at once, as they do without a network. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('interactive init in a real terminal: a wrong client secret is refused, typed again into an empty field, and the profile is written', async () => {
  const env = await freshEnv();
  const { tenant, client_id, client_secret, app_definition_id } = sandbox.secret;
  const run = await runInTerminal(['init'], env, [
    { expect: 'Quilt catalog host', send: ENTER, timeout: 15 },
    { expect: 'AWS region (us-east-1)', send: ENTER },
    { expect: 'Benchling tenant', send: `${tenant}${ENTER}` },
    { expect: 'Benchling app client id', send: `${client_id}${ENTER}` },
    { expect: 'Benchling app client secret', send: `${WRONG_SECRET}${ENTER}` },
    { expect: 'gave no OAuth token for this client id and secret' },
    { expect: 'What to type again?', send: ENTER },
    // No clearing first: the field starts empty, so what is typed is the whole answer.
    { expect: 'Benchling app client secret', send: `${client_secret}${ENTER}` },
    { expect: 'App definition id', send: `${app_definition_id}${ENTER}` },
    { expect: 'Package bucket', send: `${DOWN}${ENTER}` },
    { expect: 'Existing bucket name', send: `${bucket}${ENTER}` },
    { expect: 'Package prefix', send: ENTER },
    { expect: 'Metadata key that links packages', send: ENTER },
    { expect: 'Network', send: ENTER },
    { expect: 'Source CIDRs', send: `10.0.0.0/33${ENTER}` },
    { expect: 'is not a CIDR', send: `${CLEAR_LINE}10.0.0.0/8${ENTER}` },
    { expect: 'wrote profile default' },
  ]);
  assert.equal(run.failed, null, `the prompt never showed "${run.failed}" (steps seen at ${run.seenAt.join(', ')} s):\n${run.transcript}`);
  assert.equal(run.code, 0, run.transcript);
  assert.ok(!run.transcript.includes(client_secret) && !run.transcript.includes(WRONG_SECRET), 'typed secrets are masked');

  const profile = await readProfile('default', env);
  assert.ok(profile?.secretArn, 'the secret ARN is recorded');
  assert.deepEqual({ ...profile, secretArn: undefined }, {
    secretArn: undefined,
    region: 'us-east-1',
    bucketName: bucket,
    registry: `s3://${bucket}`,
    packagePrefix: 'benchling',
    packageLinkKey: 'experiment_id',
    allowCidrs: ['10.0.0.0/8'],
  });
  assert.equal(JSON.parse(fake.current(profile.secretArn)!.secretString).client_secret, client_secret, 'the retyped secret is the one stored');
});

test('interactive init: after a refused client secret the user can go back to the tenant; the earlier answers are the defaults, the refused secret is not', async () => {
  const env = await freshEnv();
  const { tenant, client_id, client_secret, app_definition_id } = sandbox.secret;
  const run = await runInTerminal(['init'], env, [
    { expect: 'AWS region (us-east-1)', send: ENTER, timeout: 15 },
    { expect: 'Benchling tenant', send: `acme-typo${ENTER}` },
    { expect: 'Benchling app client id', send: `${client_id}${ENTER}` },
    { expect: 'Benchling app client secret', send: `${WRONG_SECRET}${ENTER}` },
    { expect: 'gave no OAuth token for this client id and secret' },
    { expect: 'What to type again?', send: `${DOWN}${ENTER}` },
    { expect: 'Benchling tenant (acme, acme.benchling.com or its URL) (acme-typo)', send: `${tenant}${ENTER}` },
    { expect: 'Benchling app client id (Enter keeps the stored one)', send: ENTER },
    { expect: 'Benchling app client secret', send: `${client_secret}${ENTER}` },
    { expect: 'App definition id', send: `${app_definition_id}${ENTER}` },
    { expect: 'Package bucket', send: `${DOWN}${ENTER}` },
    { expect: 'Existing bucket name', send: `${bucket}${ENTER}` },
    { expect: 'Package prefix', send: ENTER },
    { expect: 'Metadata key that links packages', send: ENTER },
    { expect: 'Quilt catalog host', send: ENTER },
    { expect: 'Network', send: ENTER },
    { expect: 'Source CIDRs', send: ENTER },
    { expect: 'wrote profile default' },
  ]);
  assert.equal(run.failed, null, `the prompt never showed "${run.failed}" (steps seen at ${run.seenAt.join(', ')} s):\n${run.transcript}`);
  assert.equal(run.code, 0, run.transcript);
  assert.doesNotMatch(run.transcript, /client secret \(Enter keeps/, 'the refused secret is never offered as the default');
  const stored = JSON.parse(fake.current((await readProfile('default', env))!.secretArn!)!.secretString) as Record<string, string>;
  assert.deepEqual([stored.tenant, stored.client_id, stored.client_secret], [tenant, client_id, client_secret], 'the tenant typed the second time is the one stored');
});

test('re-running init in a terminal: every default is the current value, Enter keeps the stored credentials, VPC ids are typed when EC2 cannot be listed', async () => {
  const env = await freshEnv();
  const { tenant, client_id, client_secret, app_definition_id } = sandbox.secret;
  const first = await runCli(
    ['init', '--yes', '--region', 'us-east-1', '--benchling-tenant', tenant, '--benchling-client-id', client_id, '--benchling-client-secret', client_secret, '--benchling-app-definition-id', app_definition_id, '--bucket-name', bucket, '--json'],
    env,
  );
  assert.equal(first.code, 0, first.stderr);
  const before = JSON.parse(first.stdout).settings;
  const versions = fake.find(before.secretArn)!.versions.length;

  const run = await runInTerminal(['init'], { ...env, AWS_ENDPOINT_URL_EC2: `http://127.0.0.1:${await closedPort()}` }, [
    { expect: 'Quilt catalog host', send: ENTER, timeout: 15 },
    { expect: 'AWS region (us-east-1)', send: ENTER },
    { expect: `Benchling tenant (acme, acme.benchling.com or its URL) (${tenant})`, send: ENTER },
    { expect: 'Benchling app client id (Enter keeps the stored one)', send: ENTER },
    { expect: 'Benchling app client secret (Enter keeps the stored one)', send: ENTER },
    { expect: `App definition id (appdef_…) (${app_definition_id})`, send: ENTER },
    { expect: `❯ an existing bucket`, send: ENTER },
    { expect: `Existing bucket name (${bucket})`, send: ENTER },
    { expect: 'Package prefix (packages are <prefix>/<entry id>) (benchling)', send: ENTER },
    { expect: 'Metadata key that links packages to an entry (experiment_id)', send: ENTER },
    { expect: 'Network', send: `${DOWN}${ENTER}` },
    { expect: 'could not list VPCs' },
    { expect: 'VPC id (vpc-…)', send: `vpc-0123456789abcdef0${ENTER}` },
    { expect: 'could not list subnets of vpc-0123456789abcdef0' },
    { expect: 'Private subnet ids', send: `subnet-0aaaaaaaaaaaaaaaa${ENTER}` },
    { expect: 'at least two private subnets', send: `${CLEAR_LINE}subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb${ENTER}` },
    { expect: 'Source CIDRs', send: ENTER },
    { expect: 'wrote profile default' },
  ]);
  assert.equal(run.failed, null, `the prompt never showed "${run.failed}" (steps seen at ${run.seenAt.join(', ')} s):\n${run.transcript}`);
  assert.equal(run.code, 0, run.transcript);
  assert.match(run.transcript, /secret: kept arn:aws:secretsmanager:/);
  assert.deepEqual(await readProfile('default', env), {
    ...before,
    vpcId: 'vpc-0123456789abcdef0',
    subnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
  });
  assert.equal(fake.find(before.secretArn)!.versions.length, versions, 'the kept secret gets no new version');
});

test('Ctrl-C at a prompt cancels init: exit 1 and no profile written', async () => {
  const env = await freshEnv();
  const run = await runInTerminal(['init'], env, [
    { expect: 'Quilt catalog host', send: ENTER, timeout: 15 },
    { expect: 'AWS region (us-east-1)', send: ENTER },
    { expect: 'Benchling tenant', send: CTRL_C },
    { expect: 'init was cancelled' },
  ]);
  assert.equal(run.failed, null, run.transcript);
  assert.equal(run.code, 1);
  assert.equal(await readProfile('default', env), undefined, `nothing at ${profilePath('default', env)}`);
});
