import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { runCli } from '../support/cli-harness.ts';
import { captured, knownSecretValues } from '../support/leak-guard.ts';
import { SECRET_FORMS } from '../support/secret-forms.ts';
import { EcsHarness, LoopbackAws, type ContainerProcess } from './ecs-harness.ts';
import { synthStack } from './support.ts';

// One form per input path of the issue: inline JSON, @file, ARN, separate flags, separate env, profile.
const PATHS = ['inline JSON flag', '@file flag', 'ARN flag', 'separate flags', 'separate env vars', 'profile'];

let aws: LoopbackAws;
let sandbox: SandboxTenant;
let dir: string;
before(async () => {
  [aws, sandbox] = await Promise.all([LoopbackAws.start(), new SandboxTenant({ rateLimit: false }).start()]);
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  dir = await mkdtemp(join(tmpdir(), 'bw-paths-'));
});
after(async () => {
  await Promise.all([aws.stop(), sandbox.stop()]);
});

/**
 * Containers started together, as ECS starts the two services (each spends its start loading
 * modules, so one need not wait for the other); if one fails, the other is stopped.
 */
async function startTogether(starting: [Promise<ContainerProcess>, Promise<ContainerProcess>]): Promise<[ContainerProcess, ContainerProcess]> {
  const [first, second] = await Promise.allSettled(starting);
  if (first.status === 'fulfilled' && second.status === 'fulfilled') return [first.value, second.value];
  await Promise.all([first, second].map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
  throw first.status === 'rejected' ? first.reason : (second as PromiseRejectedResult).reason;
}

describe('every secret input path: secrets sync → synth → ECS harness → both containers ready', () => {
  for (const [i, path] of PATHS.entries()) {
    test(path, async () => {
      const form = SECRET_FORMS.find((f) => f.name === path)!;
      const baseEnv = { ...aws.secrets.env(), XDG_CONFIG_HOME: join(dir, `config-${i}`) };
      const input = await form.prepare({ ...sandbox.secret }, { fake: aws.secrets, dir, baseEnv, id: `path${i}` });
      const target = `benchling-webhook/path-${i}`;
      const sync = await runCli(['secrets', 'sync', ...input.argv, '--secret-name', target, '--json'], input.env);
      assert.equal(sync.code, 0, sync.stderr);
      const { arn } = JSON.parse(sync.stdout) as { arn: string };

      const { template } = synthStack(
        { env: { account: aws.account, region: aws.region }, secretArn: arn },
        { knownSecretValues: [sandbox.secret.client_id, sandbox.secret.client_secret] },
      );
      const harness = await EcsHarness.deploy(template, aws);
      const [webhook, worker] = await startTogether([
        harness.start(harness.container('serve'), { benchling: sandbox }),
        harness.start(harness.container('worker'), { benchling: sandbox, ready: { line: /^worker running$/m } }),
      ]);
      try {
        const ready = (await (await fetch(`${webhook.url}/health/ready`)).json()) as { status: string };
        assert.equal(ready.status, 'ready');
        assert.match(worker.output, /worker running/);
      } finally {
        await Promise.all([webhook.stop(), worker.stop()]);
        captured(`${path} containers`, webhook.output + worker.output);
      }
    });
  }
});
