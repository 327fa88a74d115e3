import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { runCli } from '../support/cli-harness.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { validSecret, tenantSpelling } from '../support/secret-arbitraries.ts';
import { SECRET_FORMS } from '../support/secret-forms.ts';
import { openSecretWorld, type SecretWorld } from '../support/secret-world.ts';

let world: SecretWorld;
before(async () => {
  world = await openSecretWorld();
});
after(() => world.close());

/**
 * The boundary CLI → AWS: each form is synced to its own secret, and what lands in
 * Secrets Manager must be byte-identical across forms.
 */
test('every input form stores the identical normalised secret', async () => {
  await fc.assert(
    fc.asyncProperty(
      validSecret.chain((s) => fc.tuple(fc.constant(s), fc.array(tenantSpelling(s.label), { minLength: SECRET_FORMS.length, maxLength: SECRET_FORMS.length }))),
      fc.dictionary(fc.stringMatching(/^x_[a-z]{1,8}$/), fc.string({ maxLength: 10 }), { maxKeys: 2 }),
      async ([fields, spellings], extras) => {
        const expected = {
          tenant: fields.label,
          client_id: fields.client_id.trim(),
          client_secret: fields.client_secret.trim(),
          app_definition_id: fields.app_definition_id,
        };
        knownSecretValues(fields.client_id, fields.client_secret);
        const stored: string[] = [];
        for (const [i, form] of SECRET_FORMS.entries()) {
          const ctx = world.context();
          const raw = { tenant: spellings[i]!, client_id: fields.client_id, client_secret: fields.client_secret, app_definition_id: fields.app_definition_id };
          const input = await form.prepare(form.fieldsOnly ? raw : { ...raw, ...extras }, ctx);
          const target = `synced/${ctx.id}`;
          const run = await runCli(['secrets', 'sync', ...input.argv, '--secret-name', target], input.env);
          assert.equal(run.code, 0, `${form.name}: ${run.stderr}`);
          const written = JSON.parse(world.fake.current(target)!.secretString) as Record<string, string>;
          const contract = {
            tenant: written.tenant,
            client_id: written.client_id,
            client_secret: written.client_secret,
            app_definition_id: written.app_definition_id,
          };
          assert.deepEqual(contract, expected, form.name);
          if (!form.fieldsOnly) assert.deepEqual(written, { ...expected, ...extras }, `${form.name} keeps unknown keys`);
          stored.push(JSON.stringify(contract));
        }
        assert.equal(new Set(stored).size, 1);
      },
    ),
    { numRuns: 25 },
  );
});
