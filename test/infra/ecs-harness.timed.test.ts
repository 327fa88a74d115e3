import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';
import type { CfnTemplate } from '../../src/infra/rules/template.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { captured, knownSecretValues } from '../support/leak-guard.ts';
import { ContainerExited, EcsHarness, LoopbackAws, TaskStartError } from './ecs-harness.ts';
import { INCIDENT_PARAMETERS, synthIncidentStack } from './stacks/incident-stack.ts';
import { guardOutdir, synthStack, tempDir } from './support.ts';

/** Whether the CLI has the commands the stack's containers run (the lead adds them). */
async function cliHelp(argv: string[]): Promise<string> {
  let text = '';
  const sink = { write: (s: string) => (text += s) };
  const io = { stdout: sink, stderr: sink, logs: sink, env: {} } as unknown as CliIo;
  await main(argv, io);
  return text;
}
const hasNoWorker = (await cliHelp(['serve', '--help'])).includes('--no-worker');
const hasWorker = /^\s+worker\b/m.test(await cliHelp(['--help']));

let aws: LoopbackAws;
let sandbox: SandboxTenant;
before(async () => {
  [aws, sandbox] = await Promise.all([LoopbackAws.start(), new SandboxTenant({ rateLimit: false }).start()]);
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
});
after(async () => {
  await Promise.all([aws.stop(), sandbox.stop()]);
});

test('the incident: a stack that writes three keys and reads four is stopped with the missing json key in < 5 s', async () => {
  const started = performance.now();
  const outdir = tempDir('bw-incident-');
  const { template } = synthIncidentStack({ outdir });
  guardOutdir(outdir);
  const parameters = Object.fromEntries(Object.entries(INCIDENT_PARAMETERS).map(([parameter, key]) => [parameter, sandbox.secret[key]]));
  const harness = await EcsHarness.deploy(template, aws, { parameters });
  let stoppedReason = '';
  await assert.rejects(harness.prepare(harness.container('serve')), (error: unknown) => {
    stoppedReason = (error as TaskStartError).stoppedReason;
    return error instanceof TaskStartError;
  });
  const elapsed = performance.now() - started;
  assert.equal(
    stoppedReason,
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret ' +
      'from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key app_definition_id',
  );
  assert.ok(elapsed < 5000, `reported after ${Math.round(elapsed)} ms`);
  const written = JSON.parse(aws.secrets.current('benchling-webhook/credentials')!.secretString) as object;
  assert.deepEqual(Object.keys(written).sort(), ['client_id', 'client_secret', 'tenant']);
});

test('the same incident stack is stopped at synth by the project rules (and cdk-nag), loudly and before any deploy', () => {
  const started = performance.now();
  assert.throws(
    () => synthIncidentStack({ outdir: tempDir('bw-incident-rules-'), rules: { secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:benchling-webhook/default-AbC123' } }),
    (error: unknown) => {
      const message = String(error);
      return (
        /Benchling-SecretReference/.test(message) &&
        /takes BENCHLING_APP_DEFINITION_ID from \$\{BenchlingCredentials\w+\}, a resource of this template/.test(message) &&
        /Benchling-NoSecretLiteral/.test(message) &&
        /Benchling-SecretAccess/.test(message) &&
        /AwsSolutions-SMG4/.test(message)
      );
    },
  );
  assert.ok(performance.now() - started < 5000);
});

/** The real stack, with its secret seeded in the loopback Secrets Manager the way `secrets sync` writes it. */
function stackWithSecret(secretString: string): { template: CfnTemplate; arn: string } {
  const { arn } = aws.secrets.seed(`benchling-webhook/harness-${Math.random().toString(36).slice(2, 8)}`, secretString);
  const { template } = synthStack({ env: { account: aws.account, region: aws.region }, secretArn: arn }, { knownSecretValues: [sandbox.secret.client_id, sandbox.secret.client_secret] });
  return { template, arn };
}

/**
 * The webhook container runs `serve --no-worker`; on a CLI without that flag it is played with
 * plain `serve` (service and worker in one process), so the rest of the path is still proven.
 */
function webhookPlayable(template: CfnTemplate): CfnTemplate {
  return hasNoWorker ? template : withCommand(template, 'serve', ['serve']);
}

function withCommand(template: CfnTemplate, from: string, command: string[]): CfnTemplate {
  const copy = structuredClone(template);
  for (const resource of Object.values(copy.Resources ?? {})) {
    const defs = resource.Properties?.ContainerDefinitions;
    if (!Array.isArray(defs)) continue;
    for (const def of defs as { Command?: string[] }[]) if (def.Command?.[0] === from) def.Command = command;
  }
  return copy;
}

test("the stack's webhook container as ECS starts it: BENCHLING_SECRETS=<arn>, the process reads and validates it, ready", async () => {
  const { template, arn } = stackWithSecret(JSON.stringify(sandbox.secret));
  const harness = await EcsHarness.deploy(webhookPlayable(template), aws);
  const ref = harness.container('serve');
  const prepared = await harness.prepare(ref);
  if (hasNoWorker) assert.deepEqual(prepared.command, ['serve', '--no-worker']);
  assert.equal(prepared.environment.BENCHLING_SECRETS, arn);
  assert.match(prepared.environment.QUEUE ?? '', /\.fifo$/);
  assert.match(prepared.environment.REGISTRY ?? '', /^s3:\/\/[a-z0-9.-]+$/);
  const container = await harness.start(ref, { benchling: sandbox });
  try {
    const ready = (await (await fetch(`${container.url}/health/ready`)).json()) as { status: string; checks: Record<string, { ok: boolean }> };
    assert.equal(ready.status, 'ready');
    assert.equal(ready.checks.secret?.ok, true);
    assert.equal(ready.checks.queue?.ok, true);
  } finally {
    await container.stop();
    captured('webhook container output', container.output);
  }
});

test('when the secret at that ARN lacks app_definition_id, the process refuses to start and names the field', async (t) => {
  const { app_definition_id: _missing, ...partial } = sandbox.secret;
  const { template } = stackWithSecret(JSON.stringify(partial));
  const harness = await EcsHarness.deploy(webhookPlayable(template), aws);
  const started = performance.now();
  let exited: ContainerExited | undefined;
  await assert.rejects(harness.start(harness.container('serve'), { benchling: sandbox }), (error: unknown) => {
    exited = error as ContainerExited;
    return error instanceof ContainerExited && error.exitCode === 1;
  });
  captured('refusing container output', exited!.output);
  assert.match(exited!.output, /`app_definition_id` is missing/);
  assert.match(exited!.output, /not starting/);
  // From the process's start, as ECS counts a container's life: resolving its environment came before.
  const lifetime = Math.round(exited!.lifetimeMs);
  t.diagnostic(`the container exited ${lifetime} ms after it started (${Math.round(performance.now() - started)} ms with ECS's preparation)`);
  assert.ok(lifetime < 2000, `the container exited ${lifetime} ms after it started`);
});

test("the stack's worker container, `worker`, becomes ready", { skip: !hasWorker && 'needs the `worker` command (issue 6, lead)' }, async () => {
  const { template } = stackWithSecret(JSON.stringify(sandbox.secret));
  const harness = await EcsHarness.deploy(template, aws);
  // The worker serves no HTTP: it is ready once it has validated the secret and opened the queue.
  const ref = harness.container('worker');
  const container = await harness.start(ref, { benchling: sandbox, ready: { line: /^worker running$/m } });
  // The stack's health check for it, run as ECS runs it: healthy while the worker runs, not once it has stopped.
  assert.equal(await container.healthCheck(ref.definition.HealthCheck), 0);
  await container.stop();
  captured('worker container output', container.output);
  assert.match(container.output, /worker running/);
  assert.equal(await container.healthCheck(ref.definition.HealthCheck), 1);
});

test('the worker container refuses to start on the same incomplete secret, naming the field', { skip: !hasWorker && 'needs the `worker` command (issue 6, lead)' }, async () => {
  const { client_id: _missing, ...partial } = sandbox.secret;
  const { template } = stackWithSecret(JSON.stringify(partial));
  const harness = await EcsHarness.deploy(template, aws);
  let output = '';
  await assert.rejects(harness.start(harness.container('worker'), { benchling: sandbox, ready: { line: /^worker running$/m } }), (error: unknown) => {
    output = (error as ContainerExited).output;
    return error instanceof ContainerExited && error.exitCode === 1;
  });
  captured('refusing worker output', output);
  assert.match(output, /`client_id` is missing/);
});
