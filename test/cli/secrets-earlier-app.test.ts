import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { entryMeta, packageMeta, type Manifest } from '../../src/quilt/manifest.ts';
import { writeManifest } from '../../src/quilt/manifest-writer.ts';
import { readLatest } from '../../src/quilt/read-package.ts';
import { latestPointerKey, manifestKey, revisionPointerKey } from '../../src/quilt/registry-layout.ts';
import { topHash } from '../../src/quilt/top-hash.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { runCli } from '../support/cli-harness.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { S3Emulator } from '../support/s3-fauxqs.ts';
import { serveInProcess } from '../support/serve-in-process.ts';

// The secret as the earlier Benchling→Quilt app wrote it: its four credentials plus its own keys.
const PKG_PREFIX = 'earlier-lab';
const PKG_KEY = 'study_id';

const EXPECTED_OUTCOMES: [string, string, string?][] = [
  ['pkg_prefix', 'mapped', 'PACKAGE_PREFIX'],
  ['pkg_key', 'mapped', 'PACKAGE_LINK_KEY'],
  ['user_bucket', 'mapped', 'REGISTRY'],
  ['log_level', 'mapped', 'LOG_LEVEL'],
  ['enable_webhook_verification', 'ignored'],
  ['webhook_allow_list', 'ignored'],
  ['workflow', 'ignored'],
  ['queue_url', 'ignored'],
  ['team_note', 'unknown'],
];

let sandbox: SandboxTenant;
let s3: S3Emulator;
let bucket: string;
let store: ObjectStore;
const saved = { ...process.env };

function earlierSecret(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...sandbox.secret,
    pkg_prefix: PKG_PREFIX,
    pkg_key: PKG_KEY,
    user_bucket: bucket,
    log_level: 'INFO',
    enable_webhook_verification: 'true',
    webhook_allow_list: '203.0.113.0/24',
    workflow: 'lab-workflow',
    queue_url: 'https://sqs.us-east-1.amazonaws.com/123456789012/old-queue',
    team_note: 'moved from the earlier app',
    ...overrides,
  };
}

async function scratchEnv(): Promise<Record<string, string | undefined>> {
  return {
    ...process.env,
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-earlier-cfg-')),
    XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-earlier-data-')),
    BENCHLING_API_URL: sandbox.url,
    BENCHLING_JWKS_URL: sandbox.jwksUrl,
  };
}

before(async () => {
  [sandbox, s3] = await Promise.all([new SandboxTenant({ rateLimit: false, exportTiming: { polls: 0 } }).start(), S3Emulator.start()]);
  bucket = await s3.bucket();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  // The S3 client reads its endpoint from the process env, as it would in a real run.
  Object.assign(process.env, { AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  store = await openObjectStore(`s3://${bucket}`, { s3Endpoint: s3.endpoint });
});
after(async () => {
  process.env = saved;
  await Promise.all([sandbox.stop(), s3.stop()]);
});

describe('secrets check reports each key of the earlier app', () => {
  test('--json: every key with its outcome and setting, the secret accepted', async () => {
    const run = await runCli(['secrets', 'check', '--json', '--benchling-secrets', JSON.stringify(earlierSecret())], await scratchEnv());
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const report = JSON.parse(run.stdout) as { complete: boolean; keys: { key: string; outcome: string; env?: string; reason: string }[] };
    assert.equal(report.complete, true);
    assert.deepEqual(report.keys.map((k) => [k.key, k.outcome, ...(k.env ? [k.env] : [])]), EXPECTED_OUTCOMES);
    for (const key of report.keys) assert.ok(key.reason.length > 10, `${key.key} says why`);
  });

  test('text: a line per key; no value is printed', async () => {
    const run = await runCli(['secrets', 'check', '--benchling-secrets', JSON.stringify(earlierSecret())], await scratchEnv());
    assert.equal(run.code, 0);
    assert.match(run.stdout, /→ pkg_prefix +mapped to PACKAGE_PREFIX: used as PACKAGE_PREFIX unless a flag, PACKAGE_PREFIX or the profile sets it/);
    assert.match(run.stdout, /– queue_url +ignored: /);
    assert.match(run.stdout, /\? team_note +unknown: /);
    for (const value of [PKG_PREFIX, PKG_KEY, bucket, 'lab-workflow', '203.0.113.0/24', 'moved from the earlier app']) {
      assert.ok(!run.stdout.includes(value), `the value of a key is not printed (${value.length} chars)`);
    }
  });

  test('enable_webhook_verification false is refused with its code; exit 1', async () => {
    const run = await runCli(['secrets', 'check', '--benchling-secrets', JSON.stringify(earlierSecret({ enable_webhook_verification: false }))], await scratchEnv());
    assert.equal(run.code, 1);
    assert.match(run.stdout, /✗ enable_webhook_verification +refused \[SECRET_VERIFICATION_OFF\]: webhook verification is never off in production/);
    assert.match(run.stdout, /`enable_webhook_verification` is refused \[SECRET_VERIFICATION_OFF\]/);
    const sync = await runCli(['secrets', 'sync', '--benchling-secrets', JSON.stringify(earlierSecret({ enable_webhook_verification: false }))], await scratchEnv());
    assert.equal(sync.code, 1);
    assert.match(sync.stderr, /nothing was written/);
  });
});

describe('validate reports each key in its secret keys check', () => {
  interface Check { name: string; status: string; detail: string; fix?: string }
  /** `profile`: what `init` would have recorded for the stack. */
  async function secretKeysCheck(secret: Record<string, unknown>, profile?: Record<string, string>): Promise<{ code: number; check: Check }> {
    const env = await scratchEnv();
    if (profile) {
      await mkdir(join(env.XDG_CONFIG_HOME!, 'benchling-webhook'), { recursive: true });
      await writeFile(join(env.XDG_CONFIG_HOME!, 'benchling-webhook', 'default.json'), JSON.stringify(profile), { mode: 0o600 });
    }
    const run = await runCli(['validate', '--offline', '--json', '--benchling-secrets', JSON.stringify(secret)], env);
    const { checks } = JSON.parse(run.stdout) as { checks: Check[] };
    return { code: run.code, check: checks.find((c) => c.name === 'secret keys')! };
  }

  test('every key with its outcome; nothing refused and the stack set alike → the check passes', async () => {
    const { check } = await secretKeysCheck(earlierSecret(), { packagePrefix: PKG_PREFIX, packageLinkKey: PKG_KEY, bucketName: bucket, logLevel: 'info' });
    assert.equal(check.status, 'ok', check.detail);
    for (const [key, outcome, env] of EXPECTED_OUTCOMES) assert.ok(check.detail.includes(`${key}: ${env ? `mapped to ${env}` : outcome}`), `${key} in ${check.detail}`);
  });

  test('a stack that would set other values than the mapped keys fails the check, naming them', async () => {
    const { check } = await secretKeysCheck(earlierSecret(), { packageLinkKey: PKG_KEY, logLevel: 'info' });
    assert.equal(check.status, 'failed');
    assert.match(check.detail, /on AWS the stack sets PACKAGE_PREFIX, REGISTRY to other values than the secret's pkg_prefix, user_bucket$/);
    assert.match(check.fix!, /--package-prefix/);
  });

  test('verification off fails the check with its code and fix; exit 1', async () => {
    const { code, check } = await secretKeysCheck(earlierSecret({ enable_webhook_verification: 'false' }));
    assert.equal(code, 1);
    assert.equal(check.status, 'failed');
    assert.match(check.detail, /enable_webhook_verification: refused \[SECRET_VERIFICATION_OFF\]/);
    assert.match(check.fix!, /enable_webhook_verification/);
  });
});

describe('serve on the earlier app secret', () => {
  test('refuses enable_webhook_verification "0" at start: coded error, exit 1', { timeout: 10_000 }, async () => {
    const env = { ...(await scratchEnv()), BENCHLING_SECRETS: JSON.stringify(earlierSecret({ enable_webhook_verification: '0' })) };
    const run = await runCli(['serve', '--host', '127.0.0.1', '--port', '0'], env);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /error \[SECRET_VERIFICATION_OFF\]: serve: not starting, the secret's `enable_webhook_verification` is refused/);
    assert.doesNotMatch(run.stdout, /listening on/);
  });

  test('applies the mapped keys: the package lands in user_bucket under pkg_prefix, pkg_key links packages', { timeout: 30_000 }, async () => {
    const env = { ...(await scratchEnv()), BENCHLING_SECRETS: JSON.stringify(earlierSecret()) };
    // No --registry, --package-prefix or --package-link-key: the secret's values fill them in.
    const running = await serveInProcess({ entrySettle: '0.05s/30s' }, env);
    try {
      const mapped = running.logs.filter((l) => l.msg === 'secret key mapped to a setting');
      assert.deepEqual(mapped.map((l) => [l.key, l.used, l.from]), [
        ['pkg_prefix', true, 'secret'],
        ['pkg_key', true, 'secret'],
        ['user_bucket', true, 'secret'],
        ['log_level', true, 'secret'],
      ]);
      const others = running.logs.filter((l) => typeof l.msg === 'string' && /^secret key (ignored|unknown)$/.test(l.msg));
      assert.deepEqual(others.map((l) => l.key), ['enable_webhook_verification', 'webhook_allow_list', 'workflow', 'queue_url', 'team_note']);

      const entry = sandbox.addEntry();
      const linked = `lab/${entry.displayId}-analysis`;
      await writeForeignPackage(linked, { [PKG_KEY]: entry.displayId });
      const canvas = sandbox.insertCanvas(entry.id);
      const sent = await sandbox.sendWebhook(`${running.url}/canvas`, sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: entry.id }));
      assert.equal(sent.status, 202);

      const name = `${PKG_PREFIX}/${entry.displayId}`;
      await until(`package ${name} in the user_bucket`, async () => (await store.getObject(latestPointerKey(name))) !== undefined);
      assert.equal(((await readLatest(store, name))!.manifest.meta.user_meta as Record<string, unknown>).display_id, entry.displayId);
      await until('the canvas to list the package linked by pkg_key', async () => JSON.stringify(sandbox.canvas(canvas.id)?.blocks ?? []).includes(linked));
    } finally {
      assert.equal(await running.stop(), 0);
    }
  });
});

async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`waited 15 s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A package another tool wrote, whose metadata names the entry under the link key. */
async function writeForeignPackage(name: string, userMeta: Record<string, string>): Promise<void> {
  const body = 'x,y\n1,2\n';
  const manifest: Manifest = {
    meta: packageMeta({ userMeta, message: 'pushed by a notebook' }),
    entries: [{ logicalKey: 'results/run.csv', physicalKey: 's3://lab-bucket/run.csv', size: body.length, hash: { type: 'SHA256', value: 'a'.repeat(64) }, meta: entryMeta() }],
  };
  const hash = topHash(manifest);
  await store.putObject(manifestKey(hash), writeManifest(manifest));
  await store.putObject(revisionPointerKey(name, Math.floor(Date.now() / 1000)), hash);
  await store.putObject(latestPointerKey(name), `${hash}\n`);
}
