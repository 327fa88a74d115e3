import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { resolveSettings } from '../../src/config/settings.ts';
import { createLogger } from '../../src/log/logger.ts';
import { SecretRedactor } from '../../src/secret/redact.ts';
import { resolveSecret } from '../../src/secret/resolve.ts';
import { SecretState } from '../../src/secret/secret-state.ts';
import { checkSecret } from '../../src/secret/check.ts';
import { SECRET_FIELD_NAMES } from '../../src/secret/fields.ts';
import { EARLIER_APP_KEYS, classifyEarlierAppKeys, KEY_INVALID, VERIFICATION_OFF } from '../../src/secret/earlier-app-keys.ts';

const FIELDS = { tenant: 'acme', client_id: 'cid-1', client_secret: 'csec-2', app_definition_id: 'appdef_x' };

test('each key of the earlier app has its documented outcome', () => {
  const { keys, settings } = classifyEarlierAppKeys({
    ...FIELDS,
    pkg_prefix: 'lab',
    pkg_key: 'study_id',
    user_bucket: 'acme-packages',
    log_level: 'WARNING',
    enable_webhook_verification: 'true',
    webhook_allow_list: '203.0.113.0/24',
    workflow: 'wf',
    queue_url: 'https://sqs.example/q',
  });
  const byKey = Object.fromEntries(keys.map((k) => [k.key, k]));
  assert.deepEqual(
    keys.map((k) => [k.key, k.outcome]),
    [
      ['pkg_prefix', 'mapped'],
      ['pkg_key', 'mapped'],
      ['user_bucket', 'mapped'],
      ['log_level', 'mapped'],
      ['enable_webhook_verification', 'ignored'],
      ['webhook_allow_list', 'ignored'],
      ['workflow', 'ignored'],
      ['queue_url', 'ignored'],
    ],
  );
  assert.deepEqual(settings, { packagePrefix: 'lab', packageLinkKey: 'study_id', registry: 's3://acme-packages', logLevel: 'warn' });
  assert.equal(byKey.pkg_prefix!.env, 'PACKAGE_PREFIX');
  assert.match(byKey.webhook_allow_list!.reason, /--allow-cidrs/);
  assert.equal(keys.length, EARLIER_APP_KEYS.length, 'every known key is covered by the fixture');
});

test('the Python level names map onto pino levels', () => {
  const level = (v: string) => classifyEarlierAppKeys({ log_level: v }).settings.logLevel;
  assert.deepEqual(['DEBUG', 'info', 'WARNING', 'ERROR', 'CRITICAL'].map(level), ['debug', 'info', 'warn', 'error', 'fatal']);
});

test('verification off, in each spelling the earlier app accepted, is refused with its code; true is accepted', () => {
  for (const off of [false, 'false', '0', 0]) {
    const [key] = classifyEarlierAppKeys({ enable_webhook_verification: off }).keys;
    assert.equal(key!.outcome, 'refused');
    assert.equal(key!.code, VERIFICATION_OFF);
  }
  for (const on of [true, 'true', '1']) assert.equal(classifyEarlierAppKeys({ enable_webhook_verification: on }).keys[0]!.outcome, 'ignored');
  assert.equal(classifyEarlierAppKeys({ enable_webhook_verification: 'maybe' }).keys[0]!.code, KEY_INVALID);
});

test('unreadable values of mapped keys are refused, naming the setting to use instead, never the value', () => {
  const cases: Record<string, unknown> = { pkg_prefix: '  ', pkg_key: 42, user_bucket: 'Not_A_Bucket!', log_level: 'LOUD' };
  for (const [key, value] of Object.entries(cases)) {
    const { keys, settings } = classifyEarlierAppKeys({ [key]: value });
    assert.equal(keys[0]!.outcome, 'refused', key);
    assert.equal(keys[0]!.code, KEY_INVALID, key);
    assert.match(keys[0]!.reason, new RegExp(keys[0]!.env!), key);
    assert.ok(!JSON.stringify(keys).includes(String(value).trim() || '\u0000'), `${key}: the value is not in the report`);
    assert.deepEqual(settings, {});
  }
});

test('a refused key makes the secret incomplete; unknown and ignored keys do not', () => {
  assert.equal(checkSecret({ ...FIELDS, enable_webhook_verification: false }).complete, false);
  const fine = checkSecret({ ...FIELDS, queue_url: 'q', my_own_note: 'x' });
  assert.equal(fine.complete, true);
  assert.deepEqual(fine.keys.map((k) => [k.key, k.outcome]), [['queue_url', 'ignored'], ['my_own_note', 'unknown']]);
});

test('any key outside the four fields and the earlier app is reported unknown, and its value never appears', () => {
  const known = new Set<string>([...SECRET_FIELD_NAMES, ...EARLIER_APP_KEYS]);
  fc.assert(
    fc.property(fc.string({ minLength: 1 }).filter((k) => !known.has(k)), fc.string({ minLength: 8 }), (key, value) => {
      const { keys, settings } = classifyEarlierAppKeys({ [key]: value });
      assert.deepEqual(keys.map((k) => [k.key, k.outcome]), [[key, 'unknown']]);
      assert.deepEqual(settings, {});
      assert.ok(!JSON.stringify(keys.map((k) => k.reason)).includes(value));
    }),
  );
});

test('precedence: a flag, env var or profile wins over the secret, the secret over the default', () => {
  const secret = { packagePrefix: 'from-secret' };
  const resolve = (input: Parameters<typeof resolveSettings>[1]) => resolveSettings(['packagePrefix'], input);
  assert.deepEqual(resolve({ flags: {}, env: {}, secret }).origins, { packagePrefix: 'secret' });
  assert.equal(resolve({ flags: {}, env: {}, secret }).values.packagePrefix, 'from-secret');
  assert.equal(resolve({ flags: {}, env: {} }).values.packagePrefix, 'benchling');
  assert.equal(resolve({ flags: {}, env: {}, profile: { packagePrefix: 'from-profile' } as never, secret }).values.packagePrefix, 'from-profile');
  assert.equal(resolve({ flags: {}, env: { PACKAGE_PREFIX: 'from-env' }, secret }).values.packagePrefix, 'from-env');
  assert.equal(resolve({ flags: { packagePrefix: 'from-flag' }, env: { PACKAGE_PREFIX: 'from-env' }, secret }).values.packagePrefix, 'from-flag');
});

test('a rotated secret that turns verification off is reported; the last good version stays in use', async () => {
  let current: Record<string, unknown> = { ...FIELDS, enable_webhook_verification: true };
  const deps = { readFile: () => Promise.reject(new Error('unused')), secretStore: () => assert.fail('unused') };
  const load = () => resolveSecret({ flags: { benchlingSecrets: JSON.stringify(current) }, env: {} }, deps);
  const log = createLogger({ level: 'silent', destination: { write: () => undefined }, redactor: new SecretRedactor() });
  const state = await SecretState.open(load, log);
  current = { ...FIELDS, client_id: 'cid-rotated', enable_webhook_verification: 'false' };
  await state.refresh();
  const health = state.status;
  assert.equal(health.ok, false);
  assert.match(health.ok ? '' : health.problems.join('\n'), /`enable_webhook_verification` is refused \[SECRET_VERIFICATION_OFF\]/);
  assert.equal(state.current.client_id, FIELDS.client_id);
});
