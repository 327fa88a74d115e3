import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SECRET_FIELDS } from '../../src/secret/fields.ts';
import { runBin, runCli } from '../support/cli-harness.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { SECRET_FORMS } from '../support/secret-forms.ts';
import { openSecretWorld, type SecretWorld } from '../support/secret-world.ts';

const COMPLETE = {
  tenant: 'https://missing-field-test.benchling.com/',
  client_id: 'cid-missing-field-1',
  client_secret: 'csec-missing-field-2',
  app_definition_id: 'appdef_missingfield',
};

knownSecretValues(COMPLETE.client_id, COMPLETE.client_secret);

let world: SecretWorld;
before(async () => {
  world = await openSecretWorld();
});
after(() => world.close());

describe('secrets check names each missing field, in every input form', () => {
  for (const form of SECRET_FORMS) {
    for (const field of SECRET_FIELDS) {
      test(`${form.name} without ${field.name}`, async () => {
        const partial: Record<string, string> = { ...COMPLETE };
        delete partial[field.name];
        const input = await form.prepare(partial, world.context());
        const run = await runCli(['secrets', 'check', ...input.argv], input.env);
        assert.equal(run.code, 1);
        const line = run.stdout.split('\n').find((l) => l.startsWith(`\`${field.name}\` is missing`));
        assert.ok(line, `no problem line for ${field.name} in:\n${run.stdout}`);
        // The advice is in the form the user is using: the separate values (deprecated) only to
        // whoever passed them; everyone else adds the field to the whole secret.
        if (form.name.startsWith('separate')) assert.match(line, new RegExp(`pass ${field.flag} or set ${field.env} \\(deprecated: better, the whole secret as --benchling-secrets @secret\\.json\\)`));
        else {
          assert.match(line, new RegExp(`add "${field.name}" to the (JSON of|secret)`));
          assert.doesNotMatch(line, /--benchling-(tenant|client|app-definition)|BENCHLING_(TENANT|CLIENT|APP)/);
        }
        for (const other of SECRET_FIELDS.filter((f) => f !== field)) {
          assert.match(run.stdout, new RegExp(`✓ ${other.name} +present`));
        }
      });
    }
    test(`${form.name} complete → exit 0`, async () => {
      const input = await form.prepare(COMPLETE, world.context());
      const run = await runCli(['secrets', 'check', '--json', ...input.argv], input.env);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const report = JSON.parse(run.stdout);
      assert.equal(report.complete, true);
      assert.deepEqual(report.problems, []);
    });
  }
});

test('invalid values are named with the reason, not the value', async () => {
  const run = await runCli(
    ['secrets', 'check', '--benchling-secrets', JSON.stringify({ ...COMPLETE, tenant: 'not a tenant', app_definition_id: 'app_123' })],
    world.baseEnv,
  );
  assert.equal(run.code, 1);
  assert.match(run.stdout, /`tenant` is invalid: it is not a Benchling tenant/);
  assert.match(run.stdout, /`app_definition_id` is invalid: it must start with appdef_/);
  assert.doesNotMatch(run.stdout, /not a tenant|app_123/);
});

test('a secret that is not a JSON object is reported as such', async () => {
  const run = await runCli(['secrets', 'check', '--benchling-secrets', '["a"]'], world.baseEnv);
  assert.equal(run.code, 1);
  assert.match(run.stdout, /is not a JSON object/);
});

test('the incident: separate env vars without BENCHLING_APP_DEFINITION_ID, through the real binary', async () => {
  const result = await runBin(['secrets', 'check'], {
    XDG_CONFIG_HOME: world.dir,
    BENCHLING_TENANT: 'acme',
    BENCHLING_CLIENT_ID: COMPLETE.client_id,
    BENCHLING_CLIENT_SECRET: COMPLETE.client_secret,
  });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stdout, /`app_definition_id` is missing: pass --benchling-app-definition-id or set BENCHLING_APP_DEFINITION_ID/);
  assert.match(result.stderr, /deprecated/);
  assert.ok(result.ms < 2000, `a refusal comes back in under 2 s (took ${result.ms} ms)`);
});
