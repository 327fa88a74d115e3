import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SETTINGS, resolveSettings, settingDefaultText, settingFlag, type SettingKey } from '../../src/config/settings.ts';
import { UsageError } from '../../src/errors/app-error.ts';

const maybe = fc.option(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), { nil: undefined });

test('flags > env > profile > defaults, for any combination', () => {
  fc.assert(
    fc.property(maybe, maybe, maybe, (flag, env, profile) => {
      const { values, origins } = resolveSettings(['packagePrefix'], {
        flags: { packagePrefix: flag },
        env: { PACKAGE_PREFIX: env },
        profile: profile === undefined ? {} : { packagePrefix: profile },
      });
      const expected = flag ?? env ?? profile ?? 'benchling';
      assert.equal(values.packagePrefix, expected);
      const origin = flag !== undefined ? 'flag' : env !== undefined ? 'env' : profile !== undefined ? 'profile' : 'default';
      assert.equal(origins.packagePrefix, origin);
    }),
  );
});

test('defaults match DESIGN.md, and a setting without one is unset', () => {
  const { values, origins } = resolveSettings(
    ['registry', 'packagePrefix', 'packageLinkKey', 'queue', 'packager', 'port', 'logLevel', 'quiltCatalog'],
    { flags: {}, env: {} },
  );
  assert.deepEqual(values, {
    registry: './quilt-registry',
    packagePrefix: 'benchling',
    packageLinkKey: 'experiment_id',
    queue: 'embedded',
    packager: 'direct',
    port: 8080,
    logLevel: 'info',
    quiltCatalog: undefined,
  });
  assert.equal(origins.quiltCatalog, 'unset');
});

test('each default as --help prints it, given back as the flag, is that default (60/30s, not [object Object])', () => {
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const text = settingDefaultText(key);
    const { values: defaults } = resolveSettings([key], { flags: {}, env: {} });
    if (defaults[key] === undefined) {
      assert.equal(text, undefined, key);
      continue;
    }
    assert.ok(text !== undefined && !text.includes('[object'), `${key}: ${text}`);
    assert.deepEqual(resolveSettings([key], { flags: { [key]: text }, env: {} }).values[key], defaults[key], `${key}: ${text}`);
  }
  assert.equal(settingDefaultText('benchlingRateLimit'), '60/30s');
  assert.equal(settingDefaultText('entrySettle'), '1s/30s');
});

test('a value that does not parse is a usage error naming where it came from', () => {
  assert.throws(() => resolveSettings(['port'], { flags: {}, env: { PORT: 'eighty' } }), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.match(error.message, /^PORT is invalid/);
    return true;
  });
  assert.throws(() => resolveSettings(['logLevel'], { flags: { logLevel: 'loud' }, env: {} }), /--log-level is invalid/);
  assert.equal(resolveSettings(['port'], { flags: {}, env: { PORT: '9000' } }).values.port, 9000);
  assert.equal(settingFlag('benchlingApiUrl'), '--benchling-api-url');
});

test('JOB_MAX_FAILURES: 5 by default, a whole number from 1 to 10 (SQS\'s receive limit of 20 must stay above it)', () => {
  assert.equal(resolveSettings(['jobMaxFailures'], { flags: {}, env: {} }).values.jobMaxFailures, 5);
  assert.equal(resolveSettings(['jobMaxFailures'], { flags: { jobMaxFailures: '2' }, env: { JOB_MAX_FAILURES: '7' } }).values.jobMaxFailures, 2);
  assert.equal(resolveSettings(['jobMaxFailures'], { flags: {}, env: {}, profile: { jobMaxFailures: 10 } }).values.jobMaxFailures, 10);
  for (const bad of ['0', '11', '2.5', 'many']) {
    assert.throws(() => resolveSettings(['jobMaxFailures'], { flags: {}, env: { JOB_MAX_FAILURES: bad } }), (error: unknown) => {
      assert.ok(error instanceof UsageError && error.code === 'SETTING_INVALID');
      assert.match(error.message, /^JOB_MAX_FAILURES is invalid/);
      return true;
    });
  }
});

test('WORKER_CONCURRENCY: 2 by default, a whole number from 1 to 32, from flag, env or profile', () => {
  assert.equal(resolveSettings(['workerConcurrency'], { flags: {}, env: {} }).values.workerConcurrency, 2);
  assert.equal(resolveSettings(['workerConcurrency'], { flags: { workerConcurrency: '6' }, env: { WORKER_CONCURRENCY: '3' } }).values.workerConcurrency, 6);
  assert.equal(resolveSettings(['workerConcurrency'], { flags: {}, env: {}, profile: { workerConcurrency: 8 } }).values.workerConcurrency, 8);
  for (const bad of ['0', '33', '1.5', 'many']) {
    assert.throws(() => resolveSettings(['workerConcurrency'], { flags: {}, env: { WORKER_CONCURRENCY: bad } }), /^.*WORKER_CONCURRENCY is invalid/);
  }
});

test('JOB_DEADLINE: 900 s by default, seconds from flag, env or profile, at most an hour', () => {
  assert.equal(resolveSettings(['jobDeadline'], { flags: {}, env: {} }).values.jobDeadline, 900);
  assert.equal(resolveSettings(['jobDeadline'], { flags: {}, env: { JOB_DEADLINE: '120s' } }).values.jobDeadline, 120);
  assert.equal(resolveSettings(['jobDeadline'], { flags: {}, env: {}, profile: { jobDeadline: 60 } }).values.jobDeadline, 60);
  for (const bad of ['0', '3601', 'soon']) assert.throws(() => resolveSettings(['jobDeadline'], { flags: {}, env: { JOB_DEADLINE: bad } }), /JOB_DEADLINE is invalid/);
});
