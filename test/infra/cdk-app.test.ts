import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { writeProfile } from '../../src/config/profile.ts';
import { captured } from '../support/leak-guard.ts';
import { SECRET_ARN, guardOutdir, tempDir, testSecret } from './support.ts';

const APP = fileURLToPath(new URL('../../src/infra/app.ts', import.meta.url));

/** The CDK app as the CDK CLI runs it (`--app "npx tsx src/infra/app.ts"`): outdir and context through env. */
async function runApp(context: Record<string, string>, env: Record<string, string>): Promise<{ code: number | null; stderr: string; outdir: string }> {
  const outdir = tempDir('bw-cdk-app-');
  const child = spawn(process.execPath, ['--import', 'tsx', APP], {
    env: {
      PATH: process.env.PATH,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify(context),
      // CloudFormation's schema validation is covered by the synth command's test.
      CDK_VALIDATION: 'false',
      XDG_CONFIG_HOME: tempDir('bw-cdk-config-'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  captured('cdk app output', stderr);
  return { code, stderr, outdir };
}

test('`cdk synth` users go through the same contract: the ARN from the profile, every rule run', async () => {
  const config = tempDir('bw-cdk-config-');
  await writeProfile('staging', { secretArn: SECRET_ARN }, { XDG_CONFIG_HOME: config });
  const run = await runApp({ profile: 'staging', allowCidrs: '203.0.113.0/24' }, { XDG_CONFIG_HOME: config });
  assert.equal(run.code, 0, run.stderr);
  assert.ok(existsSync(join(run.outdir, 'BenchlingWebhookStack-staging.template.json')));
  guardOutdir(run.outdir);
});

test('the older separate values in env stop `cdk synth` with the way forward', async () => {
  const secret = testSecret();
  const fromEnv = await runApp({}, { BENCHLING_TENANT: secret.tenant, BENCHLING_CLIENT_ID: secret.client_id, BENCHLING_CLIENT_SECRET: secret.client_secret });
  assert.equal(fromEnv.code, 2);
  assert.match(fromEnv.stderr, /SYNTH_NEEDS_SECRET_ARN.*not as separate values.*run `benchling-webhook secrets sync`/);
  assert.equal(existsSync(join(fromEnv.outdir, 'manifest.json')), false, 'nothing synthesized');
  // The same refusal from context is the inputs' own test (app-context), without another process.
});
