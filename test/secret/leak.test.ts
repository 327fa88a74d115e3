import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createLogger } from '../../src/log/logger.ts';
import { SecretRedactor } from '../../src/secret/redact.ts';
import { runCli } from '../support/cli-harness.ts';
import { captured, findLeaks, knownSecretValues } from '../support/leak-guard.ts';
import { openSecretWorld, type SecretWorld } from '../support/secret-world.ts';

// Distinctive values, fed through the paths where a value could slip out: parse errors,
// unrecognised input, AWS errors, debug logs, profiles.
const CLIENT_ID = 'leak-probe-client-id-7c1e';
const CLIENT_SECRET = 'leak-probe-client-secret-Q9x!"\\';
knownSecretValues(CLIENT_ID, CLIENT_SECRET, JSON.stringify(CLIENT_SECRET).slice(1, -1));
const SECRET = { tenant: 'acme', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, app_definition_id: 'appdef_leak' };

let world: SecretWorld;
before(async () => {
  world = await openSecretWorld();
});
after(() => world.close());

test('the guard finds a value in any captured text, and a leaking scenario fails its run', () => {
  assert.deepEqual(findLeaks([{ where: 'a', text: 'x secret-1234 y' }, { where: 'b', text: 'clean' }], ['secret-1234']), ['a']);
  // NODE_TEST_CONTEXT would make the child report to this runner instead of exiting non-zero.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', 'test/support/fixtures/leaky.fixture.ts'], {
    encoding: 'utf8',
    env,
  });
  assert.notEqual(run.status, 0);
  assert.match(run.stdout + run.stderr, /secret values leaked into: fixture stdout/);
  assert.ok(!(run.stdout + run.stderr).includes('fixture-secret-value-42'), 'the guard does not print the value');
});

test('broken JSON around a secret value: the parse error does not quote it', async () => {
  const broken = `{"client_secret": "${CLIENT_SECRET.slice(0, 20)}", client_id: "${CLIENT_ID}"`;
  const run = await runCli(['secrets', 'check', '--benchling-secrets', broken], world.baseEnv);
  assert.equal(run.code, 1);
  const stored = world.fake.seed('broken-json', `{"client_id": "${CLIENT_ID}",`);
  assert.equal((await runCli(['secrets', 'check', '--benchling-secrets', stored.arn], world.baseEnv)).code, 1);
});

test('every scenario at LOG_LEVEL=trace: check, sync, re-sync, rotate, incomplete, conflict', async () => {
  const env = { ...world.baseEnv, LOG_LEVEL: 'trace' };
  const json = JSON.stringify(SECRET);
  const runs = [
    await runCli(['secrets', 'check', '--benchling-secrets', json], env),
    await runCli(['secrets', 'check', '--benchling-secrets', json, '--json'], env),
    await runCli(['secrets', 'sync', '--profile', 'leak', '--benchling-secrets', json], env),
    await runCli(['secrets', 'sync', '--profile', 'leak', '--benchling-secrets', json, '--json'], env),
    await runCli(['secrets', 'sync', '--profile', 'leak', '--benchling-secrets', JSON.stringify({ ...SECRET, client_id: `${CLIENT_ID}-2` })], env),
    await runCli(['secrets', 'check', '--profile', 'leak', '--json'], env),
    await runCli(['secrets', 'check', '--benchling-client-id', CLIENT_ID, '--benchling-client-secret', CLIENT_SECRET], env),
    await runCli(['secrets', 'check', '--benchling-secrets', json, '--benchling-client-secret', CLIENT_SECRET], env),
    await runCli(['secrets', 'sync', '--benchling-secrets', CLIENT_SECRET], env),
  ];
  assert.deepEqual(runs.map((r) => r.code), [0, 0, 0, 0, 0, 0, 1, 2, 2]);
});

test('profiles on disk hold no secret value', async () => {
  const dir = world.baseEnv.XDG_CONFIG_HOME!;
  for (const name of await readdir(join(dir, 'benchling-webhook'))) {
    captured(`profile file ${name}`, await readFile(join(dir, 'benchling-webhook', name), 'utf8'));
  }
});

test('the logger redacts secret fields by name and scrubs known values anywhere in a line', () => {
  const lines: string[] = [];
  const redactor = new SecretRedactor();
  redactor.remember(SECRET);
  const log = createLogger({ level: 'trace', destination: { write: (l: string) => lines.push(l) }, redactor });
  log.info({ client_secret: 'by-name-only-value', nested: { client_id: 'another-by-name' } }, 'fields');
  log.error(new Error(`upstream said: bad credentials ${CLIENT_SECRET}`), 'failure');
  log.warn({ url: `https://x/?id=${CLIENT_ID}` }, `token for ${CLIENT_ID}`);
  const text = lines.join('');
  assert.equal(lines.length, 3);
  assert.ok(!text.includes('by-name-only-value') && !text.includes('another-by-name'));
  assert.match(text, /\[REDACTED\]/);
  captured('logger output', text);
});
