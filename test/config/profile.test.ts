import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { profilePath, readProfile, updateProfile, writeProfile } from '../../src/config/profile.ts';
import { AppError, UsageError } from '../../src/errors/app-error.ts';

async function tempEnv() {
  return { XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-profile-')) };
}

test('profiles live in $XDG_CONFIG_HOME/benchling-webhook/<name>.json with mode 0600', async () => {
  const env = await tempEnv();
  const path = await writeProfile('lab', { secretArn: 'arn:x', packagePrefix: 'eln' }, env);
  assert.equal(path, join(env.XDG_CONFIG_HOME, 'benchling-webhook', 'lab.json'));
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.deepEqual(await readProfile('lab', env), { secretArn: 'arn:x', packagePrefix: 'eln' });
  await updateProfile('lab', env, (p) => ({ ...p, region: 'eu-west-1' }));
  assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { secretArn: 'arn:x', packagePrefix: 'eln', region: 'eu-west-1' });
  assert.equal(await readProfile('absent', env), undefined);
});

test('a profile holding a secret value is refused with the way out', async () => {
  const env = await tempEnv();
  await mkdir(join(env.XDG_CONFIG_HOME, 'benchling-webhook'));
  await writeFile(profilePath('old', env), JSON.stringify({ client_secret: 'do-not-print-me', tenant: 'acme' }));
  await assert.rejects(readProfile('old', env), (error: unknown) => {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'PROFILE_HOLDS_SECRET');
    assert.match(error.message, /holds tenant, client_secret: .*secrets sync/);
    assert.ok(!error.message.includes('do-not-print-me'));
    return true;
  });
});

test('unknown keys, wrong types and bad JSON are named', async () => {
  const env = await tempEnv();
  await mkdir(join(env.XDG_CONFIG_HOME, 'benchling-webhook'));
  await writeFile(profilePath('typo', env), JSON.stringify({ secretArm: 'x', port: 'eighty' }));
  await assert.rejects(readProfile('typo', env), (error: unknown) => {
    assert.ok(error instanceof AppError && error.code === 'PROFILE_INVALID');
    assert.match(error.message, /Unrecognized key: "secretArm"/);
    assert.match(error.message, /port: .*expected number/);
    return true;
  });
  await writeFile(profilePath('junk', env), '{');
  await assert.rejects(readProfile('junk', env), /not valid JSON/);
  assert.throws(() => profilePath('../escape', env), UsageError);
});
