import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli-harness.ts';
import { knownSecretValues } from '../support/leak-guard.ts';

/** Dry runs check what a real run checks, and what can be checked offline passes offline. */

interface Check {
  name: string;
  status: 'ok' | 'failed' | 'skipped';
  detail: string;
}

const SECRET = { tenant: 'acme', client_id: 'dry-run-client', client_secret: 'dry-run-client-secret-51c', app_definition_id: 'appdef_dryrun' };
knownSecretValues(SECRET.client_secret);
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:benchling-webhook/default-AbC123';

let root: string;
let env: Record<string, string>;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'bw-dry-run-'));
  // Secrets Manager at a port nothing listens on: any read would fail loudly as unreachable.
  const server = createServer();
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  await new Promise((resolve) => server.close(resolve));
  env = {
    XDG_CONFIG_HOME: join(root, 'config'),
    XDG_DATA_HOME: join(root, 'data'),
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${port}`,
    AWS_ENDPOINT_URL_CLOUDFORMATION: `http://127.0.0.1:${port}`,
  };
  await writeFile(join(root, 'a-file'), 'not a directory');
});
after(() => rm(root, { recursive: true, force: true }));

test('deploy --dry-run refuses every flag a deploy refuses, before any AWS call', async () => {
  const inline = JSON.stringify(SECRET);
  for (const [flags, code] of [
    [['--poll-interval', 'soon'], 'POLL_INTERVAL_INVALID'],
    [['--max-task-failures', '0'], 'MAX_TASK_FAILURES_INVALID'],
    [['--require-approval', 'sometimes'], 'REQUIRE_APPROVAL_INVALID'],
    [['--out', join(root, 'a-file')], 'OUT_NOT_WRITABLE'],
  ] as const) {
    for (const dryRun of [['--dry-run'], []]) {
      const run = await runCli(['deploy', ...dryRun, '--offline', '--benchling-secrets', inline, ...flags], env);
      assert.equal(run.code, 2, `${dryRun.join(' ')} ${flags.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, new RegExp(`^error \\[${code}\\]: ${flags[0]}`, 'm'));
    }
  }
});

async function validateOffline(secretInput: string): Promise<{ code: number; byName: Record<string, Check> }> {
  const run = await runCli(['validate', '--offline', '--json', '--benchling-secrets', secretInput], env);
  const { checks } = JSON.parse(run.stdout) as { checks: Check[] };
  return { code: run.code, byName: Object.fromEntries(checks.map((c) => [c.name, c])) };
}

test('validate --offline passes with a complete secret that is not stored yet: storing it is for deploy or secrets sync', async () => {
  const { code, byName } = await validateOffline(JSON.stringify(SECRET));
  assert.equal(code, 0, JSON.stringify(byName, null, 2));
  assert.equal(byName['secret fields']!.status, 'ok');
  assert.equal(byName['secret in AWS']!.status, 'skipped');
  assert.match(byName['secret in AWS']!.detail, /none recorded for this profile yet: `deploy` stores it/);
  assert.ok(Object.values(byName).every((c) => c.status !== 'failed'));
});

test('validate --offline with a secret ARN reads nothing from AWS, and checks the template with that ARN', async () => {
  const { code, byName } = await validateOffline(SECRET_ARN);
  assert.equal(code, 0, JSON.stringify(byName, null, 2));
  assert.equal(byName['secret fields']!.status, 'skipped');
  assert.match(byName['secret fields']!.detail, /is in Secrets Manager: not read \(--offline\)/);
  assert.equal(byName['template rules']!.status, 'ok');
});

test('validate without --offline still reads the secret named by its ARN (and says when it cannot)', async () => {
  const run = await runCli(['validate', '--benchling-secrets', SECRET_ARN], env);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /error \[SECRETS_MANAGER_UNREACHABLE\]: cannot reach Secrets Manager for arn:aws:secretsmanager/);
});

test('deploy --dry-run --offline with a secret ARN prints the plan without any AWS call: the secret named, unread, the template synthesized with its ARN', async () => {
  const run = await runCli(['deploy', '--dry-run', '--offline', '--json', '--benchling-secrets', SECRET_ARN, '--image-uri', 'ghcr.io/acme/bw:1.0', '--out', join(root, 'plan')], env);
  assert.equal(run.code, 0, run.stderr);
  const plan = JSON.parse(run.stdout) as { dryRun: boolean; gate: Check[]; secret: { name: string; arn?: string; action: string; fields: string[] }; stack: { stackName?: string; template?: string } };
  assert.equal(plan.dryRun, true);
  assert.deepEqual(plan.secret, { name: SECRET_ARN, arn: SECRET_ARN, action: 'unchanged', fields: [], changes: [] });
  assert.ok(plan.gate.every((c) => c.status === 'skipped'), JSON.stringify(plan.gate));
  assert.equal(plan.stack.stackName, 'BenchlingWebhookStack');
  assert.match(plan.stack.template!, /plan\/BenchlingWebhookStack\.template\.json$/);
});

test('deploy --dry-run before the secret is stored still refuses a stack flag the deploy would refuse', async () => {
  const inline = JSON.stringify(SECRET);
  for (const [flags, code] of [
    [['--allow-cidrs', '10.0.0.0/33'], 'CIDR_INVALID'],
    [['--subnet-ids', 'subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb'], 'VPC_ID_MISSING'],
    [['--stack-name', '1-stack'], 'STACK_NAME_INVALID'],
  ] as const) {
    const run = await runCli(['deploy', '--dry-run', '--offline', '--benchling-secrets', inline, '--image-uri', 'ghcr.io/acme/bw:1.0', ...flags], env);
    assert.equal(run.code, 2, `${flags.join(' ')}: ${run.stdout}${run.stderr}`);
    assert.match(run.stderr, new RegExp(`^error \\[${code}\\]`, 'm'));
  }
  const fine = await runCli(['deploy', '--dry-run', '--offline', '--benchling-secrets', inline, '--image-uri', 'ghcr.io/acme/bw:1.0', '--allow-cidrs', '10.0.0.0/8'], env);
  assert.equal(fine.code, 0, fine.stderr);
  assert.match(fine.stdout, /stack +the template is synthesized once the secret exists/);
});
