import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { runCli } from '../support/cli-harness.ts';

/** `sandbox` refusals, in-process; the running sandbox is exercised by the README walkthrough (test/docs/local-walkthrough.test.ts). */

test('a bad --port or --app-url is a usage error (exit 2) that says what to give', async () => {
  for (const [argv, message] of [
    [['--port', '70000'], /SANDBOX_PORT_INVALID.*whole number from 0 to 65535, not 70000/],
    [['--port', 'abc'], /SANDBOX_PORT_INVALID/],
    [['--app-url', 'localhost:8080'], /SANDBOX_APP_URL_INVALID.*http\(s\) URL such as http:\/\/127\.0\.0\.1:8080/],
  ] as const) {
    const run = await runCli(['sandbox', ...argv], {});
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
  }
});

test('a port already in use ends the sandbox at once (exit 1), pointing at --port', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  try {
    const port = String((taken.address() as { port: number }).port);
    const run = await runCli(['sandbox', '--port', port], {});
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`SANDBOX_PORT_IN_USE\\]: port ${port} on 127\\.0\\.0\\.1 is in use .*--port`));
    assert.equal(run.stdout, '', 'nothing printed as if it ran');
  } finally {
    await new Promise((resolve) => taken.close(resolve));
  }
});
