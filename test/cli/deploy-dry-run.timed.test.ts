import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { runBin, runCli } from '../support/cli-harness.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { SecretsManagerFake } from '../support/secrets-manager-fake.ts';

// A CloudFormation endpoint that records every call and its action: the gate must stop before
// any reaches it, and a dry run may only read (the stack's state, its deployed template).
let cloudFormation: Server;
let cloudFormationUrl: string;
const cloudFormationCalls: string[] = [];
const READS = /Action=(DescribeStacks|GetTemplate)&/;
let fake: SecretsManagerFake;
let sandbox: SandboxTenant;

before(async () => {
  cloudFormation = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      cloudFormationCalls.push(`${req.method} ${req.url} ${body}`);
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => cloudFormation.listen(0, '127.0.0.1', resolve));
  cloudFormationUrl = `http://127.0.0.1:${(cloudFormation.address() as { port: number }).port}`;
  [fake, sandbox] = await Promise.all([new SecretsManagerFake().start(), new SandboxTenant({ rateLimit: false }).start()]);
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
});
after(async () => {
  await new Promise((resolve) => cloudFormation.close(resolve));
  await Promise.all([fake.stop(), sandbox.stop()]);
});

test('deploy --dry-run with the separate env vars and no app definition id stops at the gate in < 2 s, naming the field, before any CloudFormation call', async () => {
  const run = await runBin(['deploy', '--dry-run'], {
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-deploy-')),
    AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormationUrl,
    BENCHLING_TENANT: 'acme',
    BENCHLING_CLIENT_ID: sandbox.secret.client_id,
    BENCHLING_CLIENT_SECRET: sandbox.secret.client_secret,
  });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /`app_definition_id` is missing: pass --benchling-app-definition-id or set BENCHLING_APP_DEFINITION_ID/);
  assert.match(run.stderr, /stopped at the gate/);
  assert.ok(run.ms < 2000, `took ${run.ms} ms`);
  assert.deepEqual(cloudFormationCalls, []);
});

test('deploy --dry-run on a good secret prints the plan (secret name and fields, stack, template) and writes nothing', async () => {
  const env = {
    ...fake.env(),
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-deploy-')),
    AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormationUrl,
    BENCHLING_API_URL: sandbox.url,
    BENCHLING_JWKS_URL: sandbox.jwksUrl,
    REGISTRY: await mkdtemp(join(tmpdir(), 'bw-deploy-reg-')),
  };
  await runCli(['secrets', 'sync', '--benchling-secrets', JSON.stringify(sandbox.secret)], env);
  const versions = fake.find('benchling-webhook/default')!.versions.length;
  const run = await runCli(['deploy', '--dry-run', '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  const plan = JSON.parse(run.stdout);
  assert.equal(plan.secret.action, 'unchanged');
  assert.deepEqual(plan.secret.fields, ['tenant', 'client_id', 'client_secret', 'app_definition_id']);
  assert.equal(plan.stack.stackName, 'BenchlingWebhookStack');
  assert.match(plan.stack.template, /\.template\.json$/);
  assert.equal(fake.find('benchling-webhook/default')!.versions.length, versions, 'no secret version written');
  assert.deepEqual(cloudFormationCalls.filter((call) => !READS.test(call)), [], 'CloudFormation was only read');
  assert.equal(plan.change.reached, false, 'this CloudFormation answers 500: the plan says so and the dry run stands');
});
