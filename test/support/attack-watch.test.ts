import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { test } from 'node:test';
import { watchAttack, withinAttackBounds } from './attack-watch.ts';

async function healthServer(delayMs: number): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => setTimeout(() => res.end('{"status":"ok"}'), delayMs));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}` };
}

test('a service that answers /health at once is within the bounds, and its RSS is read', async () => {
  const { server, url } = await healthServer(0);
  const watch = await watchAttack({ pid: process.pid, url, intervalMs: 10 });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const report = await watch.stop();
  server.close();
  assert.ok(report.probes >= 2, `probes ${report.probes}`);
  assert.ok(report.maxRssMb > 10, `RSS ${report.maxRssMb}`);
  assert.equal(withinAttackBounds(report).ok, true, withinAttackBounds(report).summary);
});

test('a /health slower than 100 ms, or a refused probe, is outside the bounds', async () => {
  const { server, url } = await healthServer(150);
  const watch = await watchAttack({ pid: process.pid, url, intervalMs: 10 });
  const slow = await watch.stop();
  server.close();
  assert.equal(withinAttackBounds(slow).ok, false, withinAttackBounds(slow).summary);

  const closed = await watchAttack({ pid: process.pid, url, intervalMs: 10 });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const refused = await closed.stop();
  assert.ok(refused.failedProbes > 0);
  assert.equal(withinAttackBounds(refused).ok, false);
});
