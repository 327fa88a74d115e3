import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../support/cli-harness.ts';
import { knownSecretValues } from '../support/leak-guard.ts';

const env = { XDG_CONFIG_HOME: '/nonexistent-bw-config' };
knownSecretValues('usage-client-secret-9', 'my secret value!');
const JSON_SECRET = JSON.stringify({ tenant: 'acme', client_id: 'a', client_secret: 'usage-client-secret-9', app_definition_id: 'appdef_c' });

test('--benchling-secrets with a separate-value flag exits 2 naming both', async () => {
  for (const command of ['check', 'sync']) {
    const run = await runCli(['secrets', command, '--benchling-secrets', JSON_SECRET, '--benchling-client-secret', 'zzzz'], env);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /error \[SECRET_INPUT_CONFLICT\]: --benchling-secrets cannot be combined with --benchling-client-secret/);
  }
});

test('BENCHLING_SECRETS with separate env vars exits 2 naming both', async () => {
  const run = await runCli(['secrets', 'check'], { ...env, BENCHLING_SECRETS: JSON_SECRET, BENCHLING_TENANT: 'acme' });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /BENCHLING_SECRETS cannot be combined with BENCHLING_TENANT/);
});

test('flags beat env: separate flags are used over BENCHLING_SECRETS in env', async () => {
  const run = await runCli(['secrets', 'check', '--benchling-tenant', 'acme'], { ...env, BENCHLING_SECRETS: JSON_SECRET });
  assert.equal(run.code, 1);
  assert.match(run.stdout, /from separate/);
});

test('unknown options and commands are usage errors', async () => {
  assert.equal((await runCli(['secrets', 'check', '--nope'], env)).code, 2);
  assert.equal((await runCli(['no-such-command'], env)).code, 2);
  assert.equal((await runCli(['secrets'], env)).code, 2);
  assert.equal((await runCli(['--version'], env)).code, 0);
});

test('a value that is no JSON, file or secret id is refused without being echoed', async () => {
  const run = await runCli(['secrets', 'check', '--benchling-secrets', 'my secret value!'], env);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /must be inline JSON/);
  assert.ok(!run.stderr.includes('my secret value!'));
});

test('an unreadable @file names the path and the reason', async () => {
  const run = await runCli(['secrets', 'check', '--benchling-secrets', '@/no/such/file.json'], env);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /@\/no\/such\/file.json cannot be read \(ENOENT\)/);
});
