import assert from 'node:assert/strict';
import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import fc from 'fast-check';
import { capConnections, connectionToShed, type ConnectionState } from '../../src/service/connection-cap.ts';
import { ShedLog, type ShedReason } from '../../src/service/shed-log.ts';
import { dripBody, idleAfterOneRequest, openConnection, postHeaders } from '../support/raw-connection.ts';

const STATES: ConnectionState[] = ['no_request', 'idle', 'slow_body', 'answering'];
const SHED_ORDER: ConnectionState[] = ['no_request', 'idle', 'slow_body'];

test('the connection shed is the oldest of the cheapest kind to lose; one being answered never is', () => {
  const connectionArb = fc.record({ state: fc.constantFrom(...STATES), since: fc.nat(1_000_000), id: fc.nat() });
  fc.assert(
    fc.property(fc.array(connectionArb, { maxLength: 40 }), (open) => {
      const chosen = connectionToShed(open);
      const kind = SHED_ORDER.find((state) => open.some((c) => c.state === state));
      if (kind === undefined) {
        assert.equal(chosen, undefined, 'only connections being answered: nothing to shed');
        return;
      }
      assert.ok(chosen !== undefined && open.includes(chosen));
      assert.equal(chosen.state, kind);
      assert.equal(chosen.since, Math.min(...open.filter((c) => c.state === kind).map((c) => c.since)));
    }),
    { numRuns: 2_000 },
  );
});

/** A plain node:http server under the cap: GET answers at once, POST /hold waits until released. */
async function cappedServer(maxConnections: number) {
  const shed: ShedReason[] = [];
  const held: ServerResponse[] = [];
  const answered = { get: 0 };
  const server = createServer((req, res) => {
    if (req.method === 'GET') {
      answered.get += 1;
      return void res.end('{"status":"ok"}');
    }
    req.resume();
    req.on('end', () => held.push(res));
  });
  const cap = capConnections(server, { maxConnections, onShed: (reason) => shed.push(reason) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    cap,
    shed,
    held,
    answered,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function getHealth(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(`${url}/health`, { agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

/** A connection whose whole request is in and waits for its answer: never shed. */
async function answered(server: Awaited<ReturnType<typeof cappedServer>>) {
  const before = server.held.length;
  const connection = await openConnection(server.url);
  connection.socket.write(`${postHeaders('/hold', 2)}{}`);
  while (server.held.length === before) await new Promise((resolve) => setTimeout(resolve, 5));
  return connection;
}

test('at the cap each new connection gets in by closing a silent one, then an idle one, then a dripping one', async () => {
  const server = await cappedServer(3);
  try {
    const silent = await openConnection(server.url);
    const idle = await idleAfterOneRequest(server.url);
    const drip = await dripBody(server.url, 200, '/hold');
    // The drip's headers must have been read before the newcomers arrive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(server.cap.open, 3);
    for (const [victim, reason] of [[silent, 'no_request'], [idle, 'idle'], [drip, 'slow_body']] as const) {
      await answered(server);
      await victim.closed;
      assert.equal(server.shed.at(-1), reason);
    }
    assert.deepEqual(server.shed, ['no_request', 'idle', 'slow_body']);
    assert.equal(server.cap.open, 3);
  } finally {
    await server.close();
  }
});

test('at the cap with every connection being answered, a newcomer is refused with a 503 naming the limit; once one is done, it gets in', async () => {
  const server = await cappedServer(2);
  try {
    const answering = await Promise.all([openConnection(server.url), openConnection(server.url)]);
    for (const connection of answering) connection.socket.write(`${postHeaders('/hold', 2)}{}`);
    while (server.held.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const refused = await getHealth(server.url);
    assert.deepEqual(refused, { status: 503, body: '{"error":"unavailable","reason":"connection_limit"}' });
    assert.deepEqual(server.shed, ['refused']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(server.answered.get, 0, 'the refused request is never read, so never served');
    server.held[0]!.end('done');
    await answering[0]!.waitFor(/done$/);
    // Answered and now idle: the next newcomer closes it and is served.
    assert.deepEqual(await getHealth(server.url), { status: 200, body: '{"status":"ok"}' });
    assert.deepEqual(server.shed, ['refused', 'idle']);
    assert.equal(server.answered.get, 1);
    assert.ok(answering[1]!.received === '', 'the request still being answered was left alone');
    server.held[1]!.end('done');
    await answering[1]!.waitFor(/done$/);
  } finally {
    await server.close();
  }
});

test('the shed log writes the first shed at once, then one line per interval counting the rest, and what is left when flushed', async () => {
  const lines: Record<string, unknown>[] = [];
  const log = { warn: (detail: Record<string, unknown>) => void lines.push(detail) };
  const shedLog = new ShedLog({ log, context: () => ({ maxConnections: 5 }), intervalMs: 200 });
  shedLog.record('no_request');
  assert.deepEqual(lines, [{ maxConnections: 5, shed: { no_request: 1 } }]);
  for (let i = 0; i < 500; i++) shedLog.record(i % 2 === 0 ? 'idle' : 'slow_body');
  assert.equal(lines.length, 1, 'nothing more within the interval');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(lines[1], { maxConnections: 5, shed: { idle: 250, slow_body: 250 } });
  shedLog.record('refused');
  shedLog.record('timed_out');
  assert.equal(lines.length, 2);
  shedLog.flush();
  assert.deepEqual(lines[2], { maxConnections: 5, shed: { refused: 1, timed_out: 1 } });
  shedLog.flush();
  assert.equal(lines.length, 3, 'nothing to say: no line');
});
