import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SandboxTenant, type LoggedRequest } from '../../src/sandbox/index.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { eventually } from '../support/registry-audit.ts';
import { serveInProcess } from '../support/serve-in-process.ts';

/**
 * WORKER_CONCURRENCY is how many jobs the worker runs at once, measured where it shows: at the
 * tenant. Five entries queued together, each export held RUNNING for a while: exactly as many
 * exports start before the first job is done as the setting says, and the rest only after.
 */

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
const tempDir = async (prefix: string) => {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

for (const concurrency of [1, 3]) {
  test(`WORKER_CONCURRENCY=${concurrency}: ${concurrency} export(s) at once, the next only when a job is done`, async () => {
    const exportsStarted: number[] = [];
    const onRequest = (request: LoggedRequest) => {
      if (request.method === 'POST' && request.route?.includes('export')) exportsStarted.push(request.at);
    };
    const sandbox = await new SandboxTenant({ rateLimit: false, exportTiming: { polls: 0, ms: 700 }, onRequest }).start();
    knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
    const env = { ...process.env, XDG_CONFIG_HOME: await tempDir('bw-cfg-'), XDG_DATA_HOME: await tempDir('bw-data-'), ENTRY_SETTLE: '0.05s/30s', WORKER_CONCURRENCY: String(concurrency) };
    const service = sandbox.serviceEnv();
    const running = await serveInProcess(
      { benchlingSecrets: service.BENCHLING_SECRETS, benchlingApiUrl: service.BENCHLING_API_URL, benchlingJwksUrl: service.BENCHLING_JWKS_URL, registry: await tempDir('bw-reg-') },
      env,
    );
    try {
      const entries = Array.from({ length: 5 }, () => sandbox.addEntry());
      await Promise.all(entries.map(async (entry) => assert.equal((await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryCreated(entry.id))).status, 202)));
      const done = () => running.logs.filter((line) => line.msg === 'job done');
      await eventually(() => done().length === 5, 'all five packaged', 30_000);
      const firstDone = Math.min(...done().map((line) => Number(line.time)));
      assert.equal(exportsStarted.filter((at) => at < firstDone).length, concurrency, `exports at ${exportsStarted.map((at) => at - exportsStarted[0]!).join(', ')} ms; first job done at ${firstDone - exportsStarted[0]!} ms`);
    } finally {
      await running.stop();
      await sandbox.stop();
    }
  });
}
