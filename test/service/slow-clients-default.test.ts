import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { dripBody } from '../support/raw-connection.ts';
import { ServeProcess } from '../support/serve-process.ts';

// Its own file, so the runner overlaps its ~20 s of waiting with other files: the wait costs
// no CPU. A real drip under the defaults, rather than reading the configured values back,
// also catches what a value check would miss: Node checks deadlines only every 30 s unless
// told otherwise, which alone would let a drip live up to 50 s.
test('with the default settings, a body dripped a byte every 2 s is closed within 30 s', async (t) => {
  const sandbox = await new SandboxTenant({ rateLimit: false }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  const serve = await new ServeProcess({
    ...sandbox.serviceEnv(),
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-drip-')),
    XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-drip-data-')),
    REGISTRY: await mkdtemp(join(tmpdir(), 'bw-drip-reg-')),
    LOG_LEVEL: 'info',
  }).start();
  try {
    const listening = await serve.message('benchling-webhook listening');
    assert.deepEqual(listening.http, { headersTimeoutMs: 10_000, bodyTimeoutMs: 20_000, idleTimeoutMs: 72_000, maxConnections: 256 });
    const drip = await dripBody(serve.url, 2_000);
    const closedAfterMs = await Promise.race([drip.closed, new Promise<number>((resolve) => setTimeout(() => resolve(Infinity), 35_000))]);
    drip.stop();
    t.diagnostic(`dripped body closed after ${closedAfterMs.toFixed(0)} ms`);
    assert.ok(closedAfterMs < 30_000, `still open after ${closedAfterMs.toFixed(0)} ms`);
    assert.ok(closedAfterMs >= 19_900, `closed after ${closedAfterMs.toFixed(0)} ms, before the 20 s body timeout`);
    assert.match(drip.received, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  } finally {
    await serve.kill('SIGTERM');
    await sandbox.stop();
  }
});
