import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { InitOptions } from '../../src/cli/commands/init.ts';
import { runInit } from '../../src/cli/init/wizard.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { readProfile } from '../../src/config/profile.ts';
import { AwsSecretStore } from '../../src/secret/aws-secret-store.ts';
import { runCli } from '../support/cli-harness.ts';
import { CloudFormationFake } from '../support/cloudformation-fake.ts';
import { startInitFakes, type InitFakes } from '../support/init-fakes.ts';
import { captured } from '../support/leak-guard.ts';
import { screen } from '../support/prompt-screen.ts';
import { QuiltCatalogFake } from '../support/quilt-catalog-fake.ts';

const API_ID = 'k3x9q2m7zt';
const SERVICE_BUCKET = 'quilt-prod-servicebucket-1a2b3c4d';
const ANALYTICS_BUCKET = 'quilt-prod-analyticsbucket-5e6f7a8b';
const PACKAGER_QUEUE = 'https://sqs.us-west-2.amazonaws.com/123456789012/quilt-prod-PackagerQueue-Zx12Yw34';

/** A catalog's config.json as a Quilt stack publishes it: its region and the stack's API and buckets. */
const CATALOG_CONFIG = {
  region: 'us-west-2',
  mode: 'PRODUCT',
  alwaysRequiresAuth: true,
  registryUrl: 'https://registry.quilt.example.com',
  s3Proxy: 'https://catalog.quilt.example.com/__s3proxy',
  apiGatewayEndpoint: `https://${API_ID}.execute-api.us-west-2.amazonaws.com/prod`,
  serviceBucket: SERVICE_BUCKET,
  analyticsBucket: ANALYTICS_BUCKET,
  stackVersion: '1.61.0',
  passwordAuth: 'ENABLED',
  ssoAuth: 'DISABLED',
  ssoProviders: '',
};

let fakes: InitFakes;
let catalog: QuiltCatalogFake;
let cloudFormation: CloudFormationFake;
/** The stack's package bucket: it exists in the S3 emulator, so init's bucket check passes. */
let packageBucket: string;

before(async () => {
  fakes = await startInitFakes('init-quilt-wrong-secret');
  [catalog, cloudFormation, packageBucket] = await Promise.all([
    new QuiltCatalogFake(CATALOG_CONFIG).start(),
    new CloudFormationFake('us-west-2').start(),
    fakes.s3.bucket(),
  ]);
  cloudFormation.add({
    name: 'quilt-prod',
    resources: { Api: API_ID, ServiceBucket: SERVICE_BUCKET, AnalyticsBucket: ANALYTICS_BUCKET },
    outputs: {
      QuiltWebHost: 'catalog.quilt.example.com',
      PackagerQueueUrl: PACKAGER_QUEUE,
      RegistryHost: 'registry.quilt.example.com',
      PackageBucket: packageBucket,
      ServiceBucketName: SERVICE_BUCKET,
      CloudTrailBucket: 'quilt-prod-trail-9c8d7e6f',
    },
  });
});
after(async () => {
  await Promise.all([fakes.stop(), catalog.stop(), cloudFormation.stop()]);
});

/** A fresh config dir, the fakes (CloudFormation among them), and no ~/.aws of the machine running the tests. */
async function world(): Promise<Record<string, string | undefined>> {
  const dir = await mkdtemp(join(tmpdir(), 'bw-init-quilt-'));
  return {
    PATH: process.env.PATH,
    ...fakes.fake.env(),
    ...cloudFormation.env(),
    AWS_ENDPOINT_URL_S3: fakes.s3.endpoint,
    XDG_CONFIG_HOME: join(dir, 'config'),
    AWS_CONFIG_FILE: join(dir, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
    BENCHLING_API_URL: fakes.sandbox.url,
    BENCHLING_JWKS_URL: fakes.sandbox.jwksUrl,
  };
}

function secretFlags(): string[] {
  const s = fakes.sandbox.secret;
  return ['--benchling-tenant', s.tenant, '--benchling-client-id', s.client_id, '--benchling-client-secret', s.client_secret, '--benchling-app-definition-id', s.app_definition_id];
}

test('--quilt-catalog: config.json names the stack through its API; the profile gets PACKAGER, region, bucket and catalog host, each reported with its source', async () => {
  const env = await world();
  const calls = cloudFormation.calls.length;
  const run = await runCli(['init', '--yes', '--quilt-catalog', catalog.url, ...secretFlags(), '--new-vpc', '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(out.settings.region, 'us-west-2', "the catalog's region wins over AWS_REGION (us-east-1)");
  assert.equal(out.settings.packager, PACKAGER_QUEUE);
  assert.equal(out.settings.bucketName, packageBucket);
  assert.equal(out.settings.registry, `s3://${packageBucket}`);
  assert.equal(out.settings.quiltCatalog, 'catalog.quilt.example.com');
  assert.deepEqual(out.discovery, {
    catalog: catalog.url,
    stack: 'quilt-prod',
    settings: {
      region: { value: 'us-west-2', source: 'catalog config.json region' },
      quiltCatalog: { value: 'catalog.quilt.example.com', source: 'stack quilt-prod output QuiltWebHost' },
      packager: { value: PACKAGER_QUEUE, source: 'stack quilt-prod output PackagerQueueUrl' },
      bucketName: { value: packageBucket, source: 'stack quilt-prod output PackageBucket' },
    },
  });
  assert.deepEqual(cloudFormation.calls.slice(calls), [`DescribeStackResources ${API_ID}`, 'DescribeStacks quilt-prod'], "the stack found by the catalog's API, in the catalog's region");
  // Shown before the questions, each proposal with where it came from.
  assert.match(run.stderr, new RegExp(`Quilt catalog ${catalog.url}, stack quilt-prod proposes`));
  assert.match(run.stderr, /packager\s+https:\/\/sqs\.us-west-2\.amazonaws\.com\/123456789012\/quilt-prod-PackagerQueue-Zx12Yw34\s+\(stack quilt-prod output PackagerQueueUrl\)/);
  assert.match(run.stderr, /region\s+us-west-2\s+\(catalog config\.json region\)/);

  const profile = await readProfile('default', env);
  assert.equal(profile?.packager, PACKAGER_QUEUE, 'PACKAGER is in the profile for serve, synth and deploy');

  // Without --json the report names the sources too.
  const text = await runCli(['init', '--yes', '--quilt-catalog', catalog.url, '--new-vpc'], env);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /from Quilt catalog .* \(stack quilt-prod\):\n {2}region: catalog config\.json region\n/);
  assert.match(text.stdout, /bucketName: stack quilt-prod output PackageBucket/);
});

test('explicit flags override the proposals, and the report says so', async () => {
  const env = await world();
  const other = await fakes.s3.bucket();
  const run = await runCli(
    ['init', '--yes', '--quilt-catalog', catalog.url, '--region', 'us-east-1', '--packager', 'direct', '--bucket-name', other, ...secretFlags(), '--json'],
    env,
  );
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(out.settings.region, 'us-east-1');
  assert.equal(out.settings.packager, 'direct');
  assert.equal(out.settings.bucketName, other);
  assert.deepEqual(out.discovery.settings.region, { value: 'us-east-1', source: 'flag --region' });
  assert.deepEqual(out.discovery.settings.packager, { value: 'direct', source: 'flag --packager' });
  assert.deepEqual(out.discovery.settings.bucketName, { value: other, source: 'flag --bucket-name' });

  // A re-run with --yes and no catalog flag keeps what was chosen: nothing is read again.
  const requests = catalog.requests.length;
  const again = await runCli(['init', '--yes', '--json'], env);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout).settings, out.settings);
  assert.equal(catalog.requests.length, requests);
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('a catalog that cannot be read is a coded error naming the address; nothing is written', async () => {
  const env = await world();
  const run = (address: string) => runCli(['init', '--yes', '--quilt-catalog', address, ...secretFlags()], env);

  const unreachable = await run(`http://127.0.0.1:${await closedPort()}`);
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /error \[QUILT_CATALOG_UNREACHABLE\]: could not read http:\/\/127\.0\.0\.1:\d+\/config\.json \(ECONNREFUSED\).*--offline/);

  const saved = catalog.answer;
  try {
    catalog.answer = { status: 200, body: '<html>a login page</html>' };
    const html = await run(catalog.url);
    assert.equal(html.code, 1);
    assert.match(html.stderr, /error \[QUILT_CATALOG_NOT_A_CATALOG\]: .*config\.json is not a Quilt catalog's config \(not JSON\)/);

    catalog.answer = { config: { mode: 'PRODUCT' } };
    const noRegion = await run(catalog.url);
    assert.equal(noRegion.code, 1);
    assert.match(noRegion.stderr, /QUILT_CATALOG_NOT_A_CATALOG.*\(region: missing or not text\)/);

    catalog.answer = { status: 404, body: 'not here' };
    const missing = await run(catalog.url);
    assert.match(missing.stderr, /QUILT_CATALOG_NOT_A_CATALOG.*HTTP 404/);
  } finally {
    catalog.answer = saved;
  }

  const bad = await run('ftp://catalog.example.com');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /error \[INIT_ANSWER_INVALID\]: --quilt-catalog: --quilt-catalog must be a catalog host or URL/);
  assert.equal(await readProfile('default', env), undefined);
});

test('a catalog whose resources no stack owns: only its region is proposed, and --quilt-stack names the stack', async () => {
  const env = await world();
  const lone = await new QuiltCatalogFake({ ...CATALOG_CONFIG, apiGatewayEndpoint: '/api', serviceBucket: 'unowned-service-bucket', analyticsBucket: undefined }).start();
  try {
    const run = await runCli(['init', '--yes', '--quilt-catalog', lone.url, ...secretFlags(), '--new-bucket', '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`no CloudFormation stack in us-west-2 owns unowned-service-bucket, and none has the output QuiltWebHost ${lone.host}: .*pass --quilt-stack NAME`));
    const out = JSON.parse(run.stdout);
    assert.equal(out.discovery.stack, undefined);
    assert.deepEqual(Object.keys(out.discovery.settings).sort(), ['quiltCatalog', 'region']);
    assert.equal(out.settings.quiltCatalog, lone.host, 'no stack: the address given is the host');
    assert.equal(out.settings.packager, undefined);

    const named = await runCli(['init', '--yes', '--quilt-catalog', lone.url, '--quilt-stack', 'quilt-prod', '--json'], env);
    assert.equal(named.code, 0, named.stderr);
    assert.equal(JSON.parse(named.stdout).settings.packager, PACKAGER_QUEUE);

    const wrong = await runCli(['init', '--yes', '--quilt-catalog', lone.url, '--quilt-stack', 'no-such-stack'], env);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /error \[QUILT_STACK_NOT_FOUND\]: the Quilt stack no-such-stack does not exist in us-west-2/);
  } finally {
    await lone.stop();
  }
});

test("a catalog whose config names none of its stack's resources: the stack whose QuiltWebHost is the catalog's host", async () => {
  const env = await world();
  const bare = await new QuiltCatalogFake({ region: 'us-west-2' }).start();
  const labQueue = 'https://sqs.us-west-2.amazonaws.com/123456789012/quilt-lab-PackagerQueue-Q9';
  cloudFormation.add({ name: 'quilt-lab', resources: {}, outputs: { QuiltWebHost: `https://${bare.host}`, PackagerQueueUrl: labQueue } });
  try {
    const calls = cloudFormation.calls.length;
    const run = await runCli(['init', '--yes', '--quilt-catalog', bare.host, '--new-bucket', ...secretFlags(), '--json'], env);
    assert.equal(run.code, 1, 'a host without a scheme is read over https, which the loopback catalog does not speak');
    assert.match(run.stderr, /QUILT_CATALOG_UNREACHABLE\]: could not read https:\/\/127\.0\.0\.1:\d+\/config\.json/);

    const found = await runCli(['init', '--yes', '--quilt-catalog', bare.url, '--new-bucket', ...secretFlags(), '--json'], env);
    assert.equal(found.code, 0, found.stderr);
    const out = JSON.parse(found.stdout);
    assert.equal(out.discovery.stack, 'quilt-lab');
    assert.deepEqual(out.discovery.settings.packager, { value: labQueue, source: 'stack quilt-lab output PackagerQueueUrl' });
    assert.deepEqual(cloudFormation.calls.slice(calls), ['DescribeStacks', 'DescribeStacks quilt-lab'], 'no resource to look up: every stack of the region, then the one serving the catalog');
  } finally {
    cloudFormation.stacks.delete('quilt-lab');
    await bare.stop();
  }
});

test('with --yes, CloudFormation refusing to say which stack owns the catalog ends init with AWS_ACCESS_DENIED; nothing is written', async () => {
  const env = await world();
  cloudFormation.refuse = 'AccessDenied';
  try {
    const run = await runCli(['init', '--yes', '--quilt-catalog', catalog.url, ...secretFlags()], env);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`error \\[AWS_ACCESS_DENIED\\]: not allowed to find the stack that owns ${API_ID} in us-west-2: .*cloudformation:DescribeStackResources`));
  } finally {
    cloudFormation.refuse = undefined;
  }
  assert.equal(await readProfile('default', env), undefined);
});

test('--offline skips discovery: the catalog is recorded as a host and not read', async () => {
  const env = await world();
  const requests = catalog.requests.length;
  const run = await runCli(['init', '--yes', '--offline', '--region', 'us-east-1', '--quilt-catalog', 'https://catalog.quilt.example.com/b/data', ...secretFlags(), '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(out.settings.quiltCatalog, 'catalog.quilt.example.com');
  assert.equal(out.discovery, undefined);
  assert.equal(catalog.requests.length, requests);
});

function sink() {
  let text = '';
  return { write: (s: string) => (text += s), text: () => text };
}

test('the wizard asks for the catalog first; its proposals are the defaults, shown with their sources, and an answer overrides one', async () => {
  const env = await world();
  const [stdout, stderr] = [sink(), sink()];
  const store = new AwsSecretStore(new SecretsManagerClient({ region: 'us-west-2', endpoint: fakes.fake.url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 }));
  const io: CliIo = { stdout, stderr, logs: stderr, env, readFile: (p) => readFile(p, 'utf8'), secretStore: () => store };
  const { tenant, client_id, client_secret, app_definition_id } = fakes.sandbox.secret;
  const options: InitOptions = { profile: 'asked', benchlingTenant: tenant, benchlingClientId: client_id, benchlingClientSecret: client_secret, benchlingAppDefinitionId: app_definition_id };
  const terminal = screen();
  const done = runInit(options, io, { prompter: terminal.prompter, vpcDirectory: () => ({ vpcs: async () => [], subnets: async () => [] }), secretStore: () => store });
  const nothing = `http://127.0.0.1:${await closedPort()}`;
  await terminal.at('Quilt catalog host', `${nothing}\r`);
  await terminal.at('QUILT_CATALOG_UNREACHABLE', `\x15${catalog.url}\r`);
  await terminal.at('stack quilt-prod proposes', '');
  await terminal.at('AWS region (us-west-2)', '\r');
  await terminal.at('Package bucket', '\r');
  await terminal.at(`Existing bucket name (${packageBucket})`, '\r');
  await terminal.at('Package prefix', '\r');
  await terminal.at('Metadata key', '\r');
  await terminal.at('Quilt packaging engine queue ("direct" writes packages without it) (https://sq', 'direct\r');
  await terminal.at('Network', '\r');
  await terminal.at('Source CIDRs', '\r');
  const code = await done;
  captured('init quilt prompts screen', terminal.text());
  captured('init quilt prompts stdout', stdout.text());

  assert.equal(code, 0, `${stderr.text()}\n${terminal.text()}`);
  // The screen wraps at 80 columns.
  assert.match(terminal.text().replace(/\n/g, ''), /could not read http:\/\/127\.0\.0\.1:\d+\/config\.json \(ECONNREFUSED\)/, 'an unreadable catalog is refused at its prompt, with the reason');
  assert.match(terminal.text(), /bucketName\s+\S+\s+\(stack quilt-prod output PackageBucket\)/);
  const profile = await readProfile('asked', env);
  assert.equal(profile?.region, 'us-west-2');
  assert.equal(profile?.bucketName, packageBucket);
  assert.equal(profile?.quiltCatalog, 'catalog.quilt.example.com');
  assert.equal(profile?.packager, 'direct', 'the answer overrides the proposal');
  assert.match(stdout.text(), /packager: answered at the prompt/);
  assert.match(stdout.text(), /region: catalog config\.json region/);
});
