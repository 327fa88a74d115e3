import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_EXPORT_LIMITS } from '../../src/config/export-limits.ts';
import { ProfileSchema } from '../../src/config/profile.ts';
import { resolveSettings, settingFlag } from '../../src/config/settings.ts';
import { SERVE_SETTINGS } from '../../src/cli/serve-settings.ts';

const KEYS = ['exportMaxDownload', 'exportMaxUncompressed', 'exportMaxFiles', 'exportMaxRatio'] as const;
const UNITS = { '': 1, B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 } as const;

test('the export limits default to 5 GiB download, 20 GiB uncompressed, 10,000 files, 200:1, and serve and worker take them', () => {
  const { values, origins } = resolveSettings(KEYS, { flags: {}, env: {} });
  assert.deepEqual(values, { exportMaxDownload: 5 * 1024 ** 3, exportMaxUncompressed: 20 * 1024 ** 3, exportMaxFiles: 10_000, exportMaxRatio: 200 });
  assert.deepEqual(values, {
    exportMaxDownload: DEFAULT_EXPORT_LIMITS.maxDownloadBytes,
    exportMaxUncompressed: DEFAULT_EXPORT_LIMITS.maxUncompressedBytes,
    exportMaxFiles: DEFAULT_EXPORT_LIMITS.maxFiles,
    exportMaxRatio: DEFAULT_EXPORT_LIMITS.maxRatio,
  });
  for (const key of KEYS) assert.equal(origins[key], 'default');
  for (const key of KEYS) assert.ok((SERVE_SETTINGS as readonly string[]).includes(key), key);
  assert.deepEqual(KEYS.map(settingFlag), ['--export-max-download', '--export-max-uncompressed', '--export-max-files', '--export-max-ratio']);
});

test('property: a size in any unit, from a flag, the env or the profile, is that many bytes; flags > env > profile', () => {
  const size = fc.record({ n: fc.integer({ min: 1, max: 4096 }), unit: fc.constantFrom(...(Object.keys(UNITS) as (keyof typeof UNITS)[])), space: fc.boolean() });
  const maybeSize = fc.option(size, { nil: undefined });
  fc.assert(
    fc.property(maybeSize, maybeSize, maybeSize, (flag, env, profile) => {
      const text = (s: typeof flag) => (s === undefined ? undefined : `${s.n}${s.space && s.unit !== '' ? ' ' : ''}${s.unit}`);
      const { values, origins } = resolveSettings(['exportMaxDownload'], {
        flags: { exportMaxDownload: text(flag) },
        env: { EXPORT_MAX_DOWNLOAD: text(env) },
        profile: profile === undefined ? {} : { exportMaxDownload: text(profile) },
      });
      const chosen = flag ?? env ?? profile;
      assert.equal(values.exportMaxDownload, chosen === undefined ? DEFAULT_EXPORT_LIMITS.maxDownloadBytes : Math.floor(chosen.n * UNITS[chosen.unit]));
      assert.equal(origins.exportMaxDownload, flag ? 'flag' : env ? 'env' : profile ? 'profile' : 'default');
    }),
  );
});

test('a profile may hold the limits as numbers or sizes; a bad limit is a usage error naming where it came from', () => {
  const profile = ProfileSchema.parse({ exportMaxDownload: '1GiB', exportMaxUncompressed: 4294967296, exportMaxFiles: 500, exportMaxRatio: 50 });
  const { values } = resolveSettings(KEYS, { flags: {}, env: {}, profile });
  assert.deepEqual(values, { exportMaxDownload: 1024 ** 3, exportMaxUncompressed: 4294967296, exportMaxFiles: 500, exportMaxRatio: 50 });
  const refused = (input: Parameters<typeof resolveSettings>[1], pattern: RegExp) =>
    assert.throws(() => resolveSettings(KEYS, input), (error: unknown) => (error as { code?: string }).code === 'SETTING_INVALID' && pattern.test((error as Error).message));
  refused({ flags: {}, env: { EXPORT_MAX_DOWNLOAD: 'lots' } }, /^EXPORT_MAX_DOWNLOAD is invalid: must be a size such as 5GiB/);
  refused({ flags: { exportMaxUncompressed: '0' }, env: {} }, /^--export-max-uncompressed is invalid: must be at least 1 byte/);
  refused({ flags: { exportMaxFiles: '2.5' }, env: {} }, /^--export-max-files is invalid/);
  refused({ flags: {}, env: {}, profile: { exportMaxRatio: 0.5 } }, /^profile key exportMaxRatio is invalid/);
});
