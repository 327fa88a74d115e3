import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { runBin } from '../support/cli-harness.ts';
import { captured, knownSecretValues } from '../support/leak-guard.ts';

const BIN = fileURLToPath(new URL('../../bin/benchling-webhook.js', import.meta.url));

let sandbox: SandboxTenant;
before(async () => {
  sandbox = await new SandboxTenant({ rateLimit: false }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
});
after(() => sandbox.stop());

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('serve with a secret lacking app_definition_id exits non-zero within 2 s, names the field, never opens the port', async () => {
  const { app_definition_id: _missing, ...partial } = sandbox.secret;
  const port = await freePort();
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', String(port)], {
    env: {
      PATH: process.env.PATH,
      XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-serve-')),
      XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-serve-data-')),
      BENCHLING_SECRETS: JSON.stringify(partial),
      BENCHLING_API_URL: sandbox.url,
    },
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  const code = new Promise<number | null>((resolve) =>
    child.on('close', (c) => {
      exited = true;
      resolve(c);
    }),
  );
  let opened = false;
  while (!exited) {
    opened ||= await portOpen(port);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const elapsed = Date.now() - started;
  captured('serve stdout+stderr', output);
  assert.notEqual(await code, 0);
  assert.ok(elapsed < 2000, `exited after ${elapsed} ms`);
  assert.equal(opened, false, 'the port never opened');
  assert.match(output, /`app_definition_id` is missing: add "app_definition_id" to the JSON of BENCHLING_SECRETS/);
  assert.match(output, /not starting/);
});

test('worker refuses an incomplete secret the same way, before taking a job', async () => {
  const { client_secret: _missing, ...partial } = sandbox.secret;
  const run = await runBin(['worker'], {
    XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-worker-')),
    XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-worker-data-')),
    BENCHLING_SECRETS: JSON.stringify(partial),
  });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /`client_secret` is missing: add "client_secret" to the JSON of BENCHLING_SECRETS/);
  assert.match(run.stderr, /worker: not starting/);
  assert.ok(run.ms < 2000, `took ${run.ms} ms`);
});
