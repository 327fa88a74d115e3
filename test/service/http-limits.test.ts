import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { SERVICE_HTTP_SETTINGS } from '../../src/cli/serve-settings.ts';
import { resolveSettings, type SettingsInput } from '../../src/config/settings.ts';
import { UsageError } from '../../src/errors/app-error.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { DEFAULT_HTTP_LIMITS, httpLimitsFrom } from '../../src/config/http-limits.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { serveInProcess } from '../support/serve-in-process.ts';

const limitsOf = (input: Partial<SettingsInput>) => httpLimitsFrom(resolveSettings(SERVICE_HTTP_SETTINGS, { flags: {}, env: {}, ...input }).values);

test('the defaults: headers 10 s, body 20 s, idle 72 s, 256 connections', () => {
  assert.deepEqual(limitsOf({}), { headersTimeoutMs: 10_000, bodyTimeoutMs: 20_000, idleTimeoutMs: 72_000, maxConnections: 256 });
  assert.deepEqual(DEFAULT_HTTP_LIMITS, limitsOf({}));
});

test('timeouts are seconds, written 20, 20s or 0.5s, from a flag, the environment or the profile', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 3_600_000 }), fc.constantFrom('', 's'), fc.constantFrom('flag', 'env', 'profile'), (ms, unit, origin) => {
      const seconds = ms / 1000;
      const text = `${seconds}${unit}`;
      const input: Partial<SettingsInput> =
        origin === 'flag' ? { flags: { httpIdleTimeout: text } } : origin === 'env' ? { env: { HTTP_IDLE_TIMEOUT: text } } : { profile: { httpIdleTimeout: seconds } };
      assert.equal(limitsOf(input).idleTimeoutMs, ms);
    }),
    { numRuns: 500 },
  );
  const all = limitsOf({ env: { HTTP_HEADERS_TIMEOUT: '0.5s', HTTP_BODY_TIMEOUT: '2', HTTP_MAX_CONNECTIONS: '8' }, flags: { httpBodyTimeout: '3s' } });
  assert.deepEqual(all, { headersTimeoutMs: 500, bodyTimeoutMs: 3_000, idleTimeoutMs: 72_000, maxConnections: 8 });
});

test('a limit that does not parse is a usage error naming where it came from and what it must look like', () => {
  const refused: [Partial<SettingsInput>, RegExp][] = [
    [{ env: { HTTP_BODY_TIMEOUT: '0' } }, /^HTTP_BODY_TIMEOUT is invalid: must be more than 0 s$/],
    [{ env: { HTTP_BODY_TIMEOUT: '1m' } }, /^HTTP_BODY_TIMEOUT is invalid: must be a number of seconds, such as 20s$/],
    [{ flags: { httpHeadersTimeout: '-1' } }, /^--http-headers-timeout is invalid: must be a number of seconds/],
    [{ flags: { httpIdleTimeout: '7200s' } }, /^--http-idle-timeout is invalid: must be at most 3600 s/],
    [{ profile: { httpIdleTimeout: 'soon' } }, /^profile key httpIdleTimeout is invalid: must be a number of seconds/],
    [{ env: { HTTP_MAX_CONNECTIONS: '0' } }, /^HTTP_MAX_CONNECTIONS is invalid/],
    [{ env: { HTTP_MAX_CONNECTIONS: '2.5' } }, /^HTTP_MAX_CONNECTIONS is invalid/],
    [{ env: { HTTP_MAX_CONNECTIONS: 'many' } }, /^HTTP_MAX_CONNECTIONS is invalid/],
  ];
  for (const [input, message] of refused) {
    assert.throws(
      () => limitsOf(input),
      (error: unknown) => error instanceof UsageError && error.code === 'SETTING_INVALID' && message.test(error.message),
      JSON.stringify(input),
    );
  }
});

test('a headers timeout longer than the body timeout is refused, saying both count from the first byte', () => {
  assert.throws(
    () => limitsOf({ env: { HTTP_HEADERS_TIMEOUT: '30' } }),
    (error: unknown) =>
      error instanceof UsageError &&
      error.code === 'SETTING_INVALID' &&
      /HTTP_HEADERS_TIMEOUT \(30s\) is longer than HTTP_BODY_TIMEOUT \(20s\).*raise HTTP_BODY_TIMEOUT or lower HTTP_HEADERS_TIMEOUT/.test(error.message),
  );
  assert.equal(limitsOf({ env: { HTTP_HEADERS_TIMEOUT: '20', HTTP_BODY_TIMEOUT: '20' } }).headersTimeoutMs, 20_000);
});

test('serve refuses bad HTTP limits before it listens', async () => {
  const sandbox = await new SandboxTenant({ rateLimit: false }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  try {
    const env = {
      ...sandbox.serviceEnv(),
      XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-limits-')),
      XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-limits-data-')),
      HTTP_BODY_TIMEOUT: '5',
    };
    const registry = await mkdtemp(join(tmpdir(), 'bw-limits-reg-'));
    await assert.rejects(
      serveInProcess({ registry, worker: false, httpHeadersTimeout: '6' }, env),
      (error: unknown) => error instanceof UsageError && /HTTP_HEADERS_TIMEOUT \(6s\) is longer than HTTP_BODY_TIMEOUT \(5s\)/.test(error.message),
    );
  } finally {
    await sandbox.stop();
  }
});
