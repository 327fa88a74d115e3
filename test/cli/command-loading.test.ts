import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { runBin } from '../support/cli-harness.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { loadedModules, moduleLogOptions } from '../support/module-log.ts';
import { SecretsManagerFake } from '../support/secrets-manager-fake.ts';
import { ServeProcess } from '../support/serve-process.ts';

/**
 * What each way of running the CLI loads, seen from outside: the real binary as a child
 * process whose module loader logs every module it resolves. Registering the commands must
 * load none of their implementations; `serve`, `worker` and `secrets` never load the CDK.
 */

const BIN = fileURLToPath(new URL('../../bin/benchling-webhook.js', import.meta.url));

/** Each command's implementation, which only running that command may load. */
const IMPLEMENTATIONS = [
  'src/cli/init/wizard.ts',
  'src/cli/secrets-check.ts',
  'src/cli/secrets-sync.ts',
  'src/cli/serve.ts',
  'src/cli/worker.ts',
  'src/cli/validate.ts',
  'src/cli/deploy.ts',
  'src/cli/synth.ts',
  'src/cli/jobs.ts',
  'src/cli/dead-letter-source.ts',
  'src/cli/manifest.ts',
  'src/cli/demo.ts',
  'src/cli/sandbox.ts',
  'src/cli/send.ts',
  'src/cli/profiles.ts',
  'src/cli/status.ts',
  'src/cli/logs.ts',
  'src/cli/destroy.ts',
];
const CDK = ['aws-cdk-lib', 'constructs', 'cdk-nag', '@aws-cdk/toolkit-lib'];

let root: string;
let sandbox: SandboxTenant;
let secretsManager: SecretsManagerFake;
let runs = 0;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'bw-command-loading-'));
  [sandbox, secretsManager] = await Promise.all([new SandboxTenant({ rateLimit: false }).start(), new SecretsManagerFake().start()]);
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
});
after(async () => {
  await Promise.all([sandbox.stop(), secretsManager.stop()]);
  await rm(root, { recursive: true, force: true });
});

/** A fresh module log, and the env of a child process that writes it, with its own config and data folders. */
function logged(env: Record<string, string> = {}): { file: string; env: Record<string, string> } {
  const run = join(root, `run-${++runs}`);
  const file = `${run}.modules`;
  return {
    file,
    env: { XDG_CONFIG_HOME: join(run, 'config'), XDG_DATA_HOME: join(run, 'data'), REGISTRY: join(run, 'registry'), ...env, NODE_OPTIONS: moduleLogOptions(file) },
  };
}

function assertNone(loaded: Set<string>, absent: readonly string[], what: string): void {
  const found = absent.filter((name) => loaded.has(name));
  assert.deepEqual(found, [], `${what} loaded ${found.join(', ')}`);
}

/** `worker` as a child process, until it says it runs. */
class WorkerProcess extends ServeProcess {
  override async start(timeoutMs = 10_000): Promise<this> {
    this.launch([BIN, 'worker'], 'ignore');
    await this.waitFor(/^worker running$/m, timeoutMs);
    return this;
  }
}

test('--help lists every command while loading none of their options or implementations: no settings schemas (zod), pino or AWS SDK', async () => {
  const { file, env } = logged();
  const run = await runBin(['--help'], env);
  assert.equal(run.code, 0, run.stderr);
  for (const name of ['init', 'secrets', 'serve', 'worker', 'validate', 'deploy', 'synth', 'manifest', 'demo', 'sandbox', 'send', 'profiles', 'status', 'logs', 'jobs', 'destroy']) {
    assert.match(run.stdout, new RegExp(`^  ${name} `, 'm'), name);
  }
  const { packages, sources } = await loadedModules(file);
  assert.ok(sources.has('src/cli/commands/serve.ts'), 'the log sees the command modules');
  assertNone(sources, [...IMPLEMENTATIONS, 'src/cli/shared-options.ts', 'src/config/settings.ts'], '--help');
  assertNone(packages, ['zod', 'pino', '@aws-sdk/client-secrets-manager', 'fastify', ...CDK], '--help');
});

test("a command's --help declares every command's options and loads no implementation", async () => {
  const { file, env } = logged();
  const run = await runBin(['serve', '--help'], env);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /--benchling-rate-limit <value> +env BENCHLING_RATE_LIMIT, default 60\/30s/);
  const { packages, sources } = await loadedModules(file);
  assert.ok(sources.has('src/cli/shared-options.ts') && packages.has('zod'), 'options are declared with the settings');
  assertNone(sources, IMPLEMENTATIONS, 'serve --help');
  assertNone(packages, ['pino', '@aws-sdk/client-secrets-manager', 'fastify', ...CDK], 'serve --help');
});

test('serve refusing an incomplete secret loads neither the service (fastify) nor the CDK', async () => {
  const { app_definition_id: _missing, ...partial } = sandbox.secret;
  const { file, env } = logged({ BENCHLING_SECRETS: JSON.stringify(partial) });
  const run = await runBin(['serve', '--port', '0'], env);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /serve: not starting/);
  const { packages, sources } = await loadedModules(file);
  assert.ok(sources.has('src/cli/serve.ts'));
  assertNone(packages, ['fastify', ...CDK], 'a refused serve');
});

test('serve and worker, started and stopped with a good secret, never load the CDK', async () => {
  const serveLog = logged(sandbox.serviceEnv());
  const serve = await new ServeProcess(serveLog.env).start();
  assert.equal(await serve.kill('SIGTERM'), 0, serve.outputText);
  const served = await loadedModules(serveLog.file);
  assert.ok(served.packages.has('fastify'), 'the log sees what serve imports once the secret passed');
  assertNone(served.packages, CDK, 'serve');

  const workerLog = logged(sandbox.serviceEnv());
  const worker = await new WorkerProcess(workerLog.env).start();
  assert.equal(await worker.kill('SIGTERM'), 0, worker.outputText);
  const worked = await loadedModules(workerLog.file);
  assert.ok(worked.sources.has('src/cli/worker.ts'));
  assertNone(worked.packages, CDK, 'worker');
});

test('secrets check and secrets sync (written to Secrets Manager) never load the CDK', async () => {
  const secret = JSON.stringify(sandbox.secret);
  const checkLog = logged();
  const check = await runBin(['secrets', 'check', '--benchling-secrets', secret], checkLog.env);
  assert.equal(check.code, 0, check.stdout);
  assertNone((await loadedModules(checkLog.file)).packages, CDK, 'secrets check');

  const syncLog = logged(secretsManager.env());
  const sync = await runBin(['secrets', 'sync', '--benchling-secrets', secret, '--secret-name', 'benchling-webhook/loading'], syncLog.env);
  assert.equal(sync.code, 0, sync.stderr);
  assert.match(sync.stdout, /^created secret benchling-webhook\/loading/);
  const synced = await loadedModules(syncLog.file);
  assert.ok(synced.sources.has('src/cli/secrets-sync.ts') && synced.packages.has('@aws-sdk/client-secrets-manager'));
  assertNone(synced.packages, CDK, 'secrets sync');
});
