import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { watchAttack, withinAttackBounds } from '../support/attack-watch.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { dripBody, idleAfterOneRequest, openConnection, type RawConnection } from '../support/raw-connection.ts';
import { ServeProcess } from '../support/serve-process.ts';

const SHED_MESSAGE = 'connections shed: slow or idle clients were cut off, or the connection cap was reached';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let sandbox: SandboxTenant;
/** serve with short timeouts, so each cut-off shows within seconds. */
let quick: ServeProcess;

async function serveEnv(http: Record<string, string>): Promise<Record<string, string>> {
  return {
    ...sandbox.serviceEnv(),
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-slow-')),
    XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-slow-data-')),
    REGISTRY: await mkdtemp(join(tmpdir(), 'bw-slow-reg-')),
    LOG_LEVEL: 'info',
    ...http,
  };
}

before(async () => {
  sandbox = await new SandboxTenant({ rateLimit: false, exportTiming: { polls: 0, ms: 0 } }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  quick = await new ServeProcess(
    await serveEnv({ HTTP_HEADERS_TIMEOUT: '1', HTTP_BODY_TIMEOUT: '2s', HTTP_IDLE_TIMEOUT: '1s', HTTP_MAX_CONNECTIONS: '64' }),
  ).start();
});
after(async () => {
  await quick.kill('SIGTERM');
  await sandbox.stop();
});

async function shedLines(serve: ServeProcess, reason: string, timeoutMs = 3_000): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + timeoutMs;
  const matching = () => serve.messages(SHED_MESSAGE).filter((line) => reason in (line.shed as Record<string, number>));
  while (matching().length === 0 && Date.now() < deadline) await sleep(20);
  return matching();
}

test('a body dripped a byte at a time is cut off at HTTP_BODY_TIMEOUT (2 s) with a JSON 408, and the cut-off is logged', async (t) => {
  const drip = await dripBody(quick.url, 300);
  const closedAfterMs = await drip.closed;
  t.diagnostic(`dripped body closed after ${closedAfterMs.toFixed(0)} ms`);
  assert.ok(closedAfterMs >= 1_900 && closedAfterMs < 4_000, `closed after ${closedAfterMs.toFixed(0)} ms`);
  assert.match(drip.received, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  assert.match(drip.received, /\{"error":"request_timeout","message":"the headers must arrive within 1 s and the whole request within 2 s"\}$/);
  const [line] = await shedLines(quick, 'timed_out');
  assert.deepEqual(quick.logs.filter((l) => (l.level as number) >= 50), [], 'a cut-off is not an error of the service');
  assert.ok(line, 'the cut-off is logged');
  assert.equal(line.level, 40);
  assert.equal(line.maxConnections, 64);
});

test('a connection that sends nothing, or drips its headers, is cut off at HTTP_HEADERS_TIMEOUT (1 s)', async (t) => {
  const silent = await openConnection(quick.url);
  const headers = await openConnection(quick.url);
  headers.socket.write('POST /event HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  headers.every(200, () => 'X-Padding: x\r\n');
  for (const [name, connection] of [['silent', silent], ['header drip', headers]] as const) {
    const closedAfterMs = await connection.closed;
    t.diagnostic(`${name}: closed after ${closedAfterMs.toFixed(0)} ms`);
    assert.ok(closedAfterMs >= 900 && closedAfterMs < 3_000, `${name}: closed after ${closedAfterMs.toFixed(0)} ms`);
    assert.match(connection.received, /^HTTP\/1\.1 408 /, name);
  }
});

test('a kept-alive connection left idle is closed after HTTP_IDLE_TIMEOUT (1 s)', async (t) => {
  const idle = await idleAfterOneRequest(quick.url);
  const answeredAt = performance.now() - idle.openedAt;
  const idleMs = (await idle.closed) - answeredAt;
  t.diagnostic(`idle connection closed ${idleMs.toFixed(0)} ms after its answer`);
  assert.ok(idleMs >= 900 && idleMs < 3_500, `closed ${idleMs.toFixed(0)} ms after its answer`);
  assert.match(idle.received, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(idle.received, /keep-alive/i, 'it was kept alive, and only the idle timeout closed it');
});

/** A signed entry event on a connection of its own (an idle pooled one may be shed under attack). */
function postSignedEvent(url: string): Promise<number> {
  const body = JSON.stringify(sandbox.envelopes.entryCreated(sandbox.addEntry().id));
  const headers = { 'content-type': 'application/json', ...sandbox.signWebhook(body) };
  return new Promise((resolve, reject) => {
    const req = request(`${url}/event`, { method: 'POST', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('attack: the connection cap held with silent, idle and dripping connections; /health and Benchling still get through, and the shedding is logged once per interval', async (t) => {
  const cap = 40;
  // Long timeouts: here the cap alone must keep the port open.
  const serve = await new ServeProcess(
    await serveEnv({ HTTP_HEADERS_TIMEOUT: '30', HTTP_BODY_TIMEOUT: '60', HTTP_IDLE_TIMEOUT: '60', HTTP_MAX_CONNECTIONS: String(cap) }),
  ).start();
  let attacking = true;
  const open = new Set<RawConnection>();
  const kinds = [() => openConnection(serve.url), () => idleAfterOneRequest(serve.url), () => dripBody(serve.url, 1_000)];
  // Each attacker slot re-opens its connection as soon as the service closes it.
  const hold = async (open_: () => Promise<RawConnection>) => {
    while (attacking) {
      const connection = await open_().catch(() => undefined);
      if (connection) {
        open.add(connection);
        await Promise.race([connection.closed, until(() => !attacking)]);
        open.delete(connection);
        connection.stop();
      }
      await sleep(200);
    }
  };
  const until = async (done: () => boolean) => {
    while (!done()) await sleep(50);
  };
  try {
    const slots = Array.from({ length: cap }, (_, i) => hold(kinds[i % kinds.length]!));
    await until(() => open.size === cap);
    await sleep(300);
    const watch = await watchAttack({ pid: serve.pid, url: serve.url });
    const started = Date.now();
    const statuses: number[] = [];
    while (Date.now() - started < 4_000) {
      statuses.push(await postSignedEvent(serve.url));
      await sleep(400);
    }
    const report = await watch.stop();
    const elapsedMs = Date.now() - started;
    attacking = false;
    await Promise.all(slots);

    const { ok, summary } = withinAttackBounds(report);
    assert.ok(ok, summary);
    assert.ok(statuses.length >= 5 && statuses.every((s) => s === 202), `signed events answered ${statuses.join(', ')}`);
    const lines = serve.messages(SHED_MESSAGE);
    assert.ok(lines.length >= 1 && lines.length <= 1 + Math.floor(elapsedMs / 10_000), `${lines.length} shed lines in ${elapsedMs} ms`);
    assert.deepEqual(lines[0]!.shed, { no_request: 1 }, 'the first to go is a connection that never sent a request');
    assert.equal(lines[0]!.maxConnections, cap);
    assert.ok(!lines.some((line) => 'refused' in (line.shed as object)), 'no newcomer was refused');
    // A connection closed mid-body is the client's loss, not a failure of the service.
    assert.deepEqual(serve.logs.filter((line) => (line.level as number) >= 50), []);
    t.diagnostic(`${summary}; ${statuses.length} signed events all 202; ${lines.length} shed line(s) in ${elapsedMs} ms`);
  } finally {
    attacking = false;
    for (const connection of open) connection.stop();
    await serve.kill('SIGTERM');
  }
});
