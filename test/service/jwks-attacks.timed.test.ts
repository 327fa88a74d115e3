import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MAX_JWKS_KEYS } from '../../src/benchling/jwks-cache.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { watchAttack, withinAttackBounds } from '../support/attack-watch.ts';
import { startFlooder, type FloodRequest } from '../support/flood.ts';
import { manyEcJwks, startHostileJwks, type HostileJwksServer } from '../support/hostile-jwks.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { ServeProcess } from '../support/serve-process.ts';

// The JWKS server is the attacker here (or a broken proxy in front of apps.benchling.com);
// the service under attack is the real `serve` binary, watched from outside.

let sandbox: SandboxTenant;
let hostile: HostileJwksServer;
let serve: ServeProcess | undefined;

before(async () => {
  sandbox = await new SandboxTenant({ rateLimit: false }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  hostile = await startHostileJwks({ kind: 'status', status: 500 });
});
after(async () => {
  await serve?.kill('SIGTERM');
  await hostile.close();
  await sandbox.stop();
});

async function startServe(): Promise<ServeProcess> {
  serve = await new ServeProcess({
    ...sandbox.serviceEnv(),
    BENCHLING_JWKS_URL: hostile.url,
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-jwks-')),
    XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-jwks-data-')),
    REGISTRY: await mkdtemp(join(tmpdir(), 'bw-jwks-reg-')),
    LOG_LEVEL: 'info',
  }).start();
  return serve;
}

async function stopServe(): Promise<void> {
  await serve?.kill('SIGTERM');
  serve = undefined;
}

/** Distinct lifecycle events (answered without queueing anything), signed by the sandbox's key. */
function signedLifecycles(count: number): FloodRequest[] {
  return Array.from({ length: count }, () => {
    const body = JSON.stringify(sandbox.envelopes.appInstalled());
    return { body, headers: { 'content-type': 'application/json', ...sandbox.signWebhook(body) } };
  });
}

/**
 * Posts to /event from a child process, loaded before the watching starts, for `ms` from the
 * moment it is told to go. No attack here runs above about 50 requests a second: on AWS the
 * API Gateway stage passes no more than that, steadily, to the tasks.
 */
async function flooding(url: string, senders: number, requests: FloodRequest[], pauseMs: number) {
  const flooder = await startFlooder();
  return (ms: number) => flooder.run({ url: `${url}/event`, until: Date.now() + ms, senders, pauseMs, requests });
}

/** CPU time (user + system) a process has used, in ms, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((n, s) => ({ ...n, [s]: (n[s] ?? 0) + 1 }), {});

test('attack: a 200 MB JWKS, plain or gzip-compressed, is refused at 1 MiB; serve answers 503 and stays within bounds', async (t) => {
  hostile.reply = { kind: 'huge', bytes: 200 * 1024 * 1024 };
  const service = await startServe();
  try {
    // The start-up fetch failed about now; the plain flood ends within the cold-retry interval.
    const startedAt = Date.now();
    const [floodPlain, floodGzip] = await Promise.all([0, 1].map(() => flooding(service.url, 4, signedLifecycles(100), 200)));
    const watch = await watchAttack({ pid: service.pid, url: service.url });
    const plain = await floodPlain!(startedAt + 4_000 - Date.now());
    const plainBytes = hostile.bytesSent;
    hostile.reply = { kind: 'huge', bytes: 200 * 1024 * 1024, gzip: true };
    // Past the cold-retry interval, so the compressed body is fetched (and refused) too.
    await new Promise((resolve) => setTimeout(resolve, startedAt + 5_500 - Date.now()));
    const gzip = await floodGzip!(2_500);
    const report = await watch.stop();
    const { ok, summary } = withinAttackBounds(report);
    t.diagnostic(`${summary}; ${hostile.requests} JWKS fetches, the plain one handed ${(plainBytes / 1024 / 1024).toFixed(1)} MiB to the socket; answers ${JSON.stringify(tally([...plain, ...gzip]))}`);
    assert.ok(ok, summary);
    assert.ok([...plain, ...gzip].every((status) => status === 503));
    assert.equal(hostile.requests, 2, 'the start-up fetch, then one when the cold-retry interval had passed');
    assert.ok(plainBytes < 64 * 1024 * 1024, `${plainBytes} bytes sent before serve hung up`);
    const ready = await fetch(`${service.url}/health/ready`);
    const checks = ((await ready.json()) as { checks: { jwks: { ok: boolean; detail?: string } } }).checks;
    assert.equal(ready.status, 503);
    assert.match(checks.jwks.detail ?? '', /larger than 1 MiB, so it was not read/);
  } finally {
    await stopServe();
  }
});

test(`attack: a JWKS of 1,000 keys and requests carrying 8 bogus signatures each: ${MAX_JWKS_KEYS} keys are used and /health stays fast`, async (t) => {
  hostile.reply = { kind: 'json', body: { keys: manyEcJwks(1_000) } };
  const fetchesBefore = hostile.requests;
  const service = await startServe();
  try {
    const [warning] = service.messages(`the Benchling JWKS publishes more EC keys than the ${MAX_JWKS_KEYS} that are used; the rest are ignored`);
    assert.deepEqual([warning?.published, warning?.used, warning?.level], [1_000, MAX_JWKS_KEYS, 40]);
    // Well-formed signatures by a key of the attacker's own: each must be tried before being refused.
    const body = JSON.stringify(sandbox.envelopes.appInstalled());
    const signed = sandbox.signWebhook(body);
    const content = Buffer.from(`${signed['webhook-id']}.${signed['webhook-timestamp']}.${body}`);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const bogus = Array.from({ length: 8 }, () => `v1bder,${sign('sha256', content, { key: privateKey, dsaEncoding: 'der' }).toString('base64')}`);
    const forged = { body, headers: { 'content-type': 'application/json', ...signed, 'webhook-signature': bogus.join(' ') } };

    const flood = await flooding(service.url, 4, [forged], 80);
    const cpuBefore = cpuMs(service.pid);
    const watch = await watchAttack({ pid: service.pid, url: service.url });
    const statuses = await flood(4_000);
    const report = await watch.stop();
    const cpuPerRequest = (cpuMs(service.pid) - cpuBefore) / statuses.length;
    const { ok, summary } = withinAttackBounds(report);
    t.diagnostic(`${summary}; ${statuses.length} forged requests, ${cpuPerRequest.toFixed(2)} ms of serve CPU each; answers ${JSON.stringify(tally(statuses))}`);
    assert.ok(ok, summary);
    assert.ok(statuses.length > 60 && statuses.every((status) => status === 401), 'every forged request is refused');
    // ~0.5 s each when all 1,000 keys were tried against 8 signatures.
    assert.ok(cpuPerRequest < 20, `${cpuPerRequest.toFixed(1)} ms of CPU per forged request`);
    // The start-up fetch and at most one re-fetch after the first miss (then once a minute).
    assert.ok(hostile.requests - fetchesBefore <= 2, `${hostile.requests - fetchesBefore} JWKS fetches`);
  } finally {
    await stopServe();
  }
});

test('attack: while no key set is held, a flood of signed requests makes one JWKS fetch at a time, and is served once it lands', async (t) => {
  hostile.reply = { kind: 'status', status: 500 };
  const fetchesBefore = hostile.requests;
  const service = await startServe();
  try {
    const failedAt = Date.now();
    const flood = await flooding(service.url, 20, signedLifecycles(200), 1_000);
    // The key set comes back, slowly: the flood must wait on one fetch, not start its own.
    const jwks = (await (await fetch(sandbox.jwksUrl)).json()) as object;
    hostile.reply = { kind: 'slow', delayMs: 1_500, body: jwks };
    const watch = await watchAttack({ pid: service.pid, url: service.url });
    // On through the cold-retry interval, the slow fetch, and a while after.
    const statuses = await flood(failedAt + 5_000 + 2_500 - Date.now());
    const report = await watch.stop();
    const { ok, summary } = withinAttackBounds(report);
    const counts = tally(statuses);
    t.diagnostic(`${summary}; ${statuses.length} signed requests, answers ${JSON.stringify(counts)}; ${hostile.requests - fetchesBefore} JWKS fetches, at most ${hostile.maxInFlight} at once`);
    assert.ok(ok, summary);
    assert.equal(hostile.maxInFlight, 1);
    assert.equal(hostile.requests - fetchesBefore, 2, 'the start-up fetch, then one retry for the whole flood');
    assert.deepEqual(Object.keys(counts).sort(), ['200', '503'], 'refused while no key set is held, then served');
    assert.ok((counts[200] ?? 0) >= 20, 'every sender got through once the keys came');
  } finally {
    await stopServe();
  }
});
