import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { runInit } from '../../src/cli/init/wizard.ts';
import type { InitOptions } from '../../src/cli/commands/init.ts';
import { ec2VpcDirectory } from '../../src/cli/init/vpcs.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { readProfile } from '../../src/config/profile.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { AwsSecretStore } from '../../src/secret/aws-secret-store.ts';
import { captured, knownSecretValues } from '../support/leak-guard.ts';
import { screen } from '../support/prompt-screen.ts';
import { CloudFormationFake } from '../support/cloudformation-fake.ts';
import { QuiltCatalogFake } from '../support/quilt-catalog-fake.ts';
import { SecretsManagerFake } from '../support/secrets-manager-fake.ts';

let fake: SecretsManagerFake;
let sandbox: SandboxTenant;
/** A catalog whose region is all there is to discover: no stack of the loopback CloudFormation serves it. */
let catalog: QuiltCatalogFake;
let cloudFormation: CloudFormationFake;

before(async () => {
  [fake, sandbox, catalog, cloudFormation] = await Promise.all([
    new SecretsManagerFake().start(),
    new SandboxTenant({ rateLimit: false }).start(),
    new QuiltCatalogFake({ region: 'us-east-1' }).start(),
    new CloudFormationFake().start(),
  ]);
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
});
after(async () => {
  await Promise.all([fake.stop(), sandbox.stop(), catalog.stop(), cloudFormation.stop()]);
});

function sink() {
  let text = '';
  return { write: (s: string) => (text += s), text: () => text };
}

/** A new user's machine (no profile, no AWS config) with init's output captured and the loopback Secrets Manager as its store. */
async function machine(extraEnv: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'bw-init-prompts-'));
  const env = { ...fake.env(), ...cloudFormation.env(), XDG_CONFIG_HOME: join(dir, 'config'), AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), ...extraEnv };
  const stdout = sink();
  const stderr = sink();
  const store = new AwsSecretStore(
    new SecretsManagerClient({ region: fake.region, endpoint: fake.url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 }),
  );
  const io: CliIo = { stdout, stderr, logs: stderr, env, readFile: (p) => readFile(p, 'utf8'), secretStore: () => store };
  const capture = (terminal: { text(): string }) => {
    captured('init prompts screen', terminal.text());
    captured('init prompts stdout', stdout.text());
    captured('init prompts stderr', stderr.text());
  };
  return { env, io, stdout, stderr, store, capture };
}

test('prompts driven through streams: a malformed, then an unknown app definition id are refused at their prompt; the right one is accepted', async () => {
  const { env, io, stdout, stderr, store, capture } = await machine({ BENCHLING_API_URL: sandbox.url });
  const terminal = screen();
  const options: InitOptions = { profile: 'streams', benchlingJwksUrl: `${sandbox.url}/api/v1/apps/{id}/jwks`.replace('{id}', sandbox.secret.app_definition_id) };
  const { tenant, client_id, client_secret, app_definition_id } = sandbox.secret;

  const done = runInit(options, io, { prompter: terminal.prompter, vpcDirectory: ec2VpcDirectory, secretStore: () => store });
  await terminal.at('Quilt catalog host', `${catalog.url}\r`);
  await terminal.at('AWS region (us-east-1)', '\r');
  await terminal.at('Benchling tenant', `${tenant}\r`);
  await terminal.at('Benchling app client id', `${client_id}\r`);
  await terminal.at('Benchling app client secret', `${client_secret}\r`);
  // The tenant answers the first key-set request 404, as Benchling does for an unknown app definition.
  sandbox.faults.failNext('GET /api/v1/apps/{id}/jwks', { status: 404 });
  await terminal.at('App definition id', 'app_wrong\r');
  await terminal.at('must start with appdef_', '\x15appdef_unknown00\r');
  await terminal.at('no signing keys for this app definition', `\x15${app_definition_id}\r`);
  await terminal.at('Package bucket', '\r');
  await terminal.at('Package prefix', 'notebooks\r');
  await terminal.at('Metadata key', '\r');
  await terminal.at('Network', '\r');
  await terminal.at('Source CIDRs', '\r');
  const code = await done;
  capture(terminal);

  assert.equal(code, 0, stderr.text());
  const profile = await readProfile('streams', env);
  assert.equal(profile?.packagePrefix, 'notebooks');
  assert.equal(profile?.quiltCatalog, catalog.host, 'the catalog answered first, its config read over HTTP');
  assert.deepEqual(catalog.requests, ['GET /config.json']);
  assert.deepEqual(cloudFormation.calls, ['DescribeStacks'], "the stacks of the catalog's region, looked through for one serving it");
  assert.equal(profile?.benchlingJwksUrl, options.benchlingJwksUrl, 'a URL given as a flag is recorded for later commands');
  assert.match(stdout.text(), /wrote profile streams: .*streams\.json/);
  assert.match(stdout.text(), /secret: created benchling-webhook\/streams/);
});

test('an existing VPC picked from the listed ones, and its private subnets preselected; the profile records them', async () => {
  const { env, io, stderr, store, capture } = await machine();
  // EC2 as DescribeVpcs/DescribeSubnets would answer, in the shape init's directory gives it.
  const asked: string[] = [];
  const directory = (region: string) => ({
    vpcs: async () => {
      asked.push(`vpcs ${region}`);
      return [
        { id: 'vpc-0aaaaaaaaaaaaaaaa', name: 'default', cidr: '172.31.0.0/16', isDefault: true },
        { id: 'vpc-0bbbbbbbbbbbbbbbb', name: 'lab', cidr: '10.1.0.0/16', isDefault: false },
      ];
    },
    subnets: async (vpcId: string) => {
      asked.push(`subnets ${vpcId}`);
      return [
        { id: 'subnet-0000000000000000a', name: 'public-a', zone: 'us-east-1a', cidr: '10.1.0.0/24', publicAddresses: true },
        { id: 'subnet-0000000000000000b', name: 'private-a', zone: 'us-east-1a', cidr: '10.1.1.0/24', publicAddresses: false },
        { id: 'subnet-0000000000000000c', name: 'private-b', zone: 'us-east-1b', cidr: '10.1.2.0/24', publicAddresses: false },
      ];
    },
  });
  const terminal = screen();
  const { tenant, client_id, client_secret, app_definition_id } = sandbox.secret;
  const options: InitOptions = {
    profile: 'vpcs',
    benchlingTenant: tenant,
    benchlingClientId: client_id,
    benchlingClientSecret: client_secret,
    benchlingAppDefinitionId: app_definition_id,
    benchlingApiUrl: sandbox.url,
    benchlingJwksUrl: sandbox.jwksUrl,
    newBucket: true,
  };
  const done = runInit(options, io, { prompter: terminal.prompter, vpcDirectory: directory, secretStore: () => store });
  await terminal.at('Quilt catalog host', '\r');
  await terminal.at('AWS region (us-east-1)', '\r');
  await terminal.at('Package prefix', '\r');
  await terminal.at('Metadata key', '\r');
  await terminal.at('Network', '\x1b[B\r');
  await terminal.at('"lab" 10.1.0.0/16', '\x1b[B\r');
  await terminal.at('Private subnets for the tasks', '\r');
  await terminal.at('Source CIDRs', '\r');
  const code = await done;
  capture(terminal);

  assert.equal(code, 0, `${stderr.text()}\n${terminal.text()}`);
  assert.deepEqual(asked, ['vpcs us-east-1', 'subnets vpc-0bbbbbbbbbbbbbbbb']);
  const profile = await readProfile('vpcs', env);
  assert.equal(profile?.vpcId, 'vpc-0bbbbbbbbbbbbbbbb');
  assert.deepEqual(profile?.subnetIds, ['subnet-0000000000000000b', 'subnet-0000000000000000c'], 'the private subnets, preselected');
});
