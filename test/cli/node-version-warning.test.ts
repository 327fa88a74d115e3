import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runBin } from '../support/cli-harness.ts';

/** A port nothing listens on: it was free a moment ago. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('an AWS command prints no AWS SDK Node-version warning, on every Node this release supports', async () => {
  const home = await mkdtemp(join(tmpdir(), 'bw-node-warning-'));
  try {
    const env = {
      XDG_CONFIG_HOME: join(home, 'config'),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'y',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${await closedPort()}`,
    };
    // The command reaches the point where the SDK builds its client (and would warn), then stops on the refused connection.
    const run = await runBin(['secrets', 'check', '--benchling-secrets', 'benchling-webhook/default'], env);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /SECRETS_MANAGER_UNREACHABLE/);
    assert.doesNotMatch(run.stderr, /NodeVersionSupportWarning|will require node/);
    // The SDK's own switch is what silences it: set to false by the user, the notice is back (on Node < 22, where the SDK gives it).
    const major = Number(process.versions.node.split('.')[0]);
    if (major < 22) {
      const loud = await runBin(['secrets', 'check', '--benchling-secrets', 'benchling-webhook/default'], { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' });
      assert.match(loud.stderr, /NodeVersionSupportWarning/);
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
