import assert from 'node:assert/strict';
import { Agent, request, type IncomingMessage } from 'node:http';
import { after, before, test } from 'node:test';
import { knownSecretValues } from '../support/leak-guard.ts';
import { openConnection } from '../support/raw-connection.ts';
import { openServiceWorld, type ServiceWorld } from '../support/service-world.ts';

let world: ServiceWorld;
before(async () => {
  world = await openServiceWorld();
  knownSecretValues(world.sandbox.secret.client_id, world.sandbox.secret.client_secret);
});
after(() => world.close());

function send(method: string, path: string, write: (req: ReturnType<typeof request>) => void): Promise<{ response: IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${world.service.url}${path}`, { method }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ response, body }));
    });
    req.on('error', reject);
    write(req);
  });
}

test('a body streamed without a length is refused with 413 as soon as it passes 1 MiB', async () => {
  const { response, body } = await send('POST', '/event', (req) => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    // 1 MiB + 64 KiB in chunked encoding: no content-length to refuse up front.
    for (let i = 0; i < 17; i++) req.write(chunk);
    req.end();
  });
  assert.equal(response.headers['transfer-encoding'], undefined);
  assert.equal(response.statusCode, 413);
  assert.deepEqual(JSON.parse(body), { error: 'payload_too_large', limit: 1024 * 1024 });
});

test('HEAD /health answers like GET, without a body', async () => {
  const { response, body } = await send('HEAD', '/health', (req) => req.end());
  assert.equal(response.statusCode, 200);
  assert.equal(body, '');
});

test('close() returns promptly with an idle keep-alive connection still open', async () => {
  const own = await openServiceWorld();
  knownSecretValues(own.sandbox.secret.client_id, own.sandbox.secret.client_secret);
  const agent = new Agent({ keepAlive: true });
  try {
    const health = await new Promise<IncomingMessage>((resolve, reject) => {
      request(`${own.service.url}/health`, { agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(response));
      })
        .on('error', reject)
        .end();
    });
    assert.equal(health.headers.connection, 'keep-alive');
    const started = Date.now();
    await own.service.close();
    assert.ok(Date.now() - started < 2000, `close() took ${Date.now() - started} ms`);
  } finally {
    agent.destroy();
    await own.close().catch(() => undefined);
  }
});

test('a failure inside the service answers 500 internal and is logged at error level, with no detail to the caller', async () => {
  const own = await openServiceWorld();
  knownSecretValues(own.sandbox.secret.client_id, own.sandbox.secret.client_secret);
  try {
    await own.queue.close();
    const sent = await own.sandbox.sendWebhook(`${own.service.url}/event`, own.sandbox.envelopes.entryCreated(own.sandbox.addEntry().id));
    assert.deepEqual([sent.status, sent.body], [500, { error: 'internal' }]);
    const lines = own.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(lines.some((line) => line.msg === 'request failed' && line.level === 50 && line.path === '/event'));
    assert.ok(lines.some((line) => line.msg === 'webhook' && line.level === 50 && line.status === 500));
    assert.equal((await fetch(`${own.service.url}/health`)).status, 200, 'the service goes on answering');
  } finally {
    await own.close();
  }
});

test('a request that does not parse gets a JSON 400, and headers over 16 KiB a JSON 431; both close the connection', async () => {
  const garbage = await openConnection(world.service.url);
  garbage.socket.write('NOT HTTP AT ALL\r\n\r\n');
  await garbage.closed;
  assert.match(garbage.received, /^HTTP\/1\.1 400 Bad Request\r\n[^]*\r\n\r\n\{"error":"bad_request","message":"unreadable request"\}$/);
  const huge = await openConnection(world.service.url);
  huge.socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
  await huge.closed;
  assert.match(huge.received, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n[^]*\{"error":"headers_too_large"\}$/);
});
