import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readProfile } from '../../src/config/profile.ts';
import { runBin, runCli, type CliRun } from '../support/cli-harness.ts';
import { mockDeployedAws } from '../support/deployed-aws.ts';
import { guideCommands } from '../support/guide-commands.ts';
import { startInitFakes, type InitFakes } from '../support/init-fakes.ts';

/**
 * docs/migrating.md, tried end to end: every command it shows runs as written, in order,
 * against the sandbox tenant and the loopback AWS fakes (`deploy` with --dry-run, `status`
 * against the described stack), starting from what a deployment of the earlier app leaves:
 * its secret, with its extra keys, under the earlier CLI's name, and its bucket.
 */

const GUIDE = new URL('../../docs/migrating.md', import.meta.url);

let fakes: InitFakes;
let env: Record<string, string>;
let earlierName: string;
let earlierSecret: string;

before(async () => {
  fakes = await startInitFakes('migrating-wrong-client-secret');
  const { fake, sandbox, s3, bucket } = fakes;
  earlierName = `quiltdata/benchling-webhook/default/${sandbox.secret.tenant}`;
  earlierSecret = JSON.stringify({
    ...sandbox.secret,
    pkg_prefix: 'benchling',
    pkg_key: 'experiment_id',
    user_bucket: bucket,
    log_level: 'INFO',
    enable_webhook_verification: 'true',
    webhook_allow_list: '',
    queue_url: '',
  });
  fake.seed(earlierName, earlierSecret);
  const home = await mkdtemp(join(tmpdir(), 'bw-migrate-'));
  env = {
    PATH: process.env.PATH ?? '',
    ...fake.env(),
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
    AWS_CONFIG_FILE: join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
    BENCHLING_API_URL: sandbox.url,
    BENCHLING_JWKS_URL: sandbox.jwksUrl,
  };
});
after(() => fakes.stop());

function fill(args: string[]): string[] {
  const values: Record<string, string> = { '<tenant>': fakes.sandbox.secret.tenant, '<region>': env.AWS_REGION!, '<user-bucket>': fakes.bucket };
  return args.map((arg) => arg.replace(/<[a-z-]+>/g, (placeholder) => values[placeholder] ?? placeholder));
}

async function runGuideCommand(written: string[], cwd: string): Promise<CliRun> {
  const args = fill(written);
  const [command] = args;
  if (command === 'deploy' && !args.includes('--dry-run')) return runBin([...args, '--dry-run'], env, { cwd });
  if (command === 'status') {
    const restore = mockDeployedAws();
    try {
      return await runCli(args, env);
    } finally {
      restore();
    }
  }
  return runBin(args, env, { cwd });
}

test('every command of docs/migrating.md runs as written, in order, from an earlier deployment; the earlier secret is never written', async (t) => {
  const markdown = await readFile(GUIDE, 'utf8');
  const commands = guideCommands(markdown);
  const names = commands.map((args) => (args[0] === 'secrets' ? args.slice(0, 2).join(' ') : args[0]));
  for (const needed of ['secrets check', 'secrets sync', 'init', 'validate', 'deploy', 'manifest', 'status']) {
    assert.ok(names.includes(needed), `the guide shows \`${needed}\` (it has: ${names.join(', ')})`);
  }
  const cwd = await mkdtemp(join(tmpdir(), 'bw-migrate-cwd-'));
  const outputs: string[] = [];
  for (const args of commands) {
    const run = await runGuideCommand(args, cwd);
    t.diagnostic(`${args.join(' ')} → exit ${run.code}`);
    assert.equal(run.code, 0, `\`benchling-webhook ${args.join(' ')}\` failed:\n${run.stdout}\n${run.stderr}`);
    outputs.push(run.stdout + run.stderr);
  }

  // secrets check named each of the earlier app's keys with its outcome.
  for (const key of ['pkg_prefix', 'pkg_key', 'user_bucket', 'log_level', 'enable_webhook_verification', 'webhook_allow_list', 'queue_url']) {
    assert.ok(outputs[0]!.includes(key), `secrets check reports ${key}:\n${outputs[0]}`);
  }
  // The earlier stack's secret is as it was: going back needs nothing restored.
  assert.equal(fakes.fake.current(earlierName)?.secretString, earlierSecret);
  const copied = fakes.fake.current('benchling-webhook/default')?.secretString;
  assert.ok(copied, 'this app has its own secret');
  const fields = JSON.parse(copied) as Record<string, unknown>;
  for (const field of ['tenant', 'client_id', 'client_secret', 'app_definition_id'] as const) assert.equal(fields[field], fakes.sandbox.secret[field]);
  // The profile writes to the earlier bucket, under the earlier prefix.
  const profile = await readProfile('default', { XDG_CONFIG_HOME: env.XDG_CONFIG_HOME });
  assert.equal(profile?.bucketName, fakes.bucket);
  assert.equal(profile?.packagePrefix, 'benchling');
  assert.equal(profile?.packageLinkKey, 'experiment_id');
  const manifest = await readFile(join(cwd, 'benchling-app.yaml'), 'utf8');
  assert.ok((await stat(join(cwd, 'benchling-app.yaml'))).size > 0);
  assert.match(manifest, /id: quilt_entry/, 'the earlier app\'s canvas feature id, so its canvases stay this app\'s');
});
