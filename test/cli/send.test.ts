import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import type { CliIo } from '../../src/cli/io.ts';
import { probeDeployed } from '../../src/cli/send.ts';
import { createLogger } from '../../src/log/logger.ts';
import { SecretRedactor } from '../../src/secret/redact.ts';
import { consoleRoutes, type ConsoleOptions } from '../../src/sandbox/console/control-routes.ts';
import type { SendReply } from '../../src/sandbox/console/send-events.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { startService, type RunningService } from '../../src/service/start-service.ts';
import { runCli } from '../support/cli-harness.ts';
import { openServiceWorld, type ServiceWorld } from '../support/service-world.ts';

/**
 * `send` in-process against the sandbox's send call and the real service (its queue only: no
 * worker, so nothing is packaged); and what it does instead for a service it cannot sign for.
 */

const consoleOptions: ConsoleOptions = { appUrl: '' };
let world: ServiceWorld;
let stranger: SandboxTenant;
let flags: string[];

before(async () => {
  [world, stranger] = await Promise.all([
    openServiceWorld({ sandbox: { extraRoutes: (tenant) => consoleRoutes(tenant, consoleOptions) } }),
    new SandboxTenant({ rateLimit: false, extraRoutes: (tenant) => consoleRoutes(tenant, consoleOptions) }).start(),
  ]);
  consoleOptions.appUrl = world.service.url;
  flags = ['--url', world.service.url, '--sandbox', world.sandbox.url];
});
after(() => Promise.all([world.close(), stranger.stop()]));

const send = (...argv: string[]) => runCli(['send', ...argv], {});

/** What the sandbox's send call answers, straight. */
async function control(body: object): Promise<{ status: number; body: SendReply & { error?: { message: string } } }> {
  const response = await fetch(`${world.sandbox.url}/sandbox/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as SendReply & { error?: { message: string } } };
}

test('usage errors exit 2 and name what to type: an unknown event, click without a button, a button on another event, a bad --url', async () => {
  const cases: [string[], RegExp][] = [
    [['entry-deleted'], /SEND_EVENT_UNKNOWN.*entry-created, entry-updated, canvas-initialized, canvas-created, click, app-installed/],
    [['click'], /SEND_BUTTON_MISSING.*send click "Browse files"/],
    [['entry-created', 'Browse files'], /SEND_EXTRA_ARGUMENT/],
    [['entry-created', '--url', 'ftp://x'], /SEND_URL_INVALID/],
  ];
  for (const [argv, message] of cases) {
    const run = await send(...argv);
    assert.equal(run.code, 2, `${argv.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
});

test('entry-created for an entry by display id: signed by the sandbox, accepted by the service (202), exit 0', async () => {
  const entry = world.sandbox.demoEntry;
  const run = await send('entry-created', '--entry', entry.displayId.toLowerCase(), ...flags);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`^sent v2\\.entry\\.created for ${entry.displayId} \\(signed by the sandbox\\) to ${world.service.url}/event → 202 \\{"status":"accepted","job":"[^"]+"\\}`));
  const json = await send('app-installed', '--json', ...flags);
  assert.equal(json.code, 0, json.stderr);
  const reply = JSON.parse(json.stdout) as SendReply;
  assert.deepEqual([reply.type, reply.target, reply.status], ['v2.app.installed', `${world.service.url}/lifecycle`, 200]);
});

test('an entry the sandbox does not have is refused before anything is sent, naming the entries it has', async () => {
  const before = world.sandbox.count('GET /api/v1/apps/{id}/jwks');
  const run = await send('entry-created', '--entry', 'EXP404', ...flags);
  assert.equal(run.code, 1);
  assert.match(run.stderr, new RegExp(`SEND_REFUSED.*no entry EXP404 in the sandbox; its entries: ${world.sandbox.demoEntry.displayId} \\(`));
  assert.equal(world.sandbox.count('GET /api/v1/apps/{id}/jwks'), before, 'the service was never asked to verify anything');
});

test('click: refused until the app has a canvas, then by button text; a button the canvas lacks or disables is refused, naming what it shows', async () => {
  const early = await control({ event: 'click', button: 'Browse files' });
  assert.equal(early.status, 409);
  assert.match(early.body.error!.message, /no canvas of this app yet: send canvas-initialized/);

  const created = await control({ event: 'canvas-created' });
  assert.equal(created.status, 200);
  assert.equal(created.body.type, 'v2.canvas.created');
  const canvasId = created.body.canvasId!;
  assert.equal(world.sandbox.canvas(canvasId)?.resourceId, world.sandbox.demoEntry.id, 'the sandbox inserted the canvas into the entry first');

  // The app draws the canvas as its worker would: one enabled button, one disabled.
  const token = (await (await fetch(`${world.sandbox.url}/api/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: world.sandbox.secret.client_id, client_secret: world.sandbox.secret.client_secret }),
  }).then((r) => r.json())) as { access_token: string }).access_token;
  const blocks = [{ type: 'SECTION', id: 'row', children: [{ type: 'BUTTON', id: 'q1.b.x', text: 'Browse files', enabled: true }, { type: 'BUTTON', id: 'q1.u.x', text: 'Update package', enabled: false }] }];
  const patched = await fetch(`${world.sandbox.url}/api/v2/app-canvases/${canvasId}`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ blocks }) });
  assert.equal(patched.status, 200);

  const click = await send('click', 'browse FILES', ...flags);
  assert.equal(click.code, 0, click.stderr);
  assert.match(click.stdout, /sent v2\.canvas\.userInteracted .*\/canvas → 202/);
  const missing = await control({ event: 'click', button: 'Delete everything' });
  assert.equal(missing.status, 404);
  assert.match(missing.body.error!.message, /shows no button "Delete everything"; it shows "Browse files", "Update package"/);
  const disabled = await control({ event: 'click', button: 'q1.u.x' });
  assert.equal(disabled.status, 409);
  assert.match(disabled.body.error!.message, /"Update package" is disabled/);
});

test('entry-updated edits the entry first, so its modifiedAt moves on, then sends v2.entry.updated.fields', async () => {
  const before = world.sandbox.demoEntry.modifiedAt;
  const sent = await control({ event: 'entry-updated' });
  assert.equal(sent.status, 200);
  assert.equal(sent.body.type, 'v2.entry.updated.fields');
  assert.ok(world.sandbox.demoEntry.modifiedAt > before);
});

test('no sandbox, no service, or a service that trusts another key: exit 1 with what to do', async () => {
  const closed = `http://127.0.0.1:${await closedPort()}`;
  const noSandbox = await send('entry-created', '--url', world.service.url, '--sandbox', closed);
  assert.equal(noSandbox.code, 1);
  assert.match(noSandbox.stderr, /SANDBOX_UNREACHABLE.*start one with `benchling-webhook sandbox`/);

  const noService = await send('entry-created', '--url', closed, '--sandbox', world.sandbox.url);
  assert.equal(noService.code, 1);
  assert.match(noService.stderr, /SERVICE_UNREACHABLE\]: nothing answered at http:\/\/127\.0\.0\.1:\d+\/event \(.*ECONNREFUSED.*\): is the service running there\?/);

  // Another tenant signs: the service answers 403 (tenant) or 401 (key) and send says which flag to fix.
  const refused = await send('entry-created', '--url', world.service.url, '--sandbox', stranger.url);
  assert.equal(refused.code, 1);
  assert.match(refused.stdout, /→ 40[13] /);
  assert.match(refused.stderr, /the service refused it \(40[13]\): .*--benchling-(api|jwks)-url/);
});

/** A port nothing listens on (fetch refuses some well-known ones, such as 9). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function sinkIo(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, logs: { write: () => undefined }, env: {} } as unknown as CliIo;
  return { io, out: () => out, err: () => err };
}

test('a deployed service gets a health probe and an unsigned request, which it must refuse; send says that it signed nothing', async () => {
  const probe = sinkIo();
  assert.equal(await probeDeployed(new URL(world.service.url), probe.io, false), 0, probe.out());
  assert.match(probe.out(), /is not on this machine: only Benchling can sign webhooks it accepts, so nothing was signed/);
  assert.match(probe.out(), /GET \/health +→ 200 \{"status":"ok"/);
  assert.match(probe.out(), /POST \/event unsigned +→ 401 \{"error":"unauthorized","reason":"missing_headers"\}/);
});

test('a service that does not refuse the unsigned request as unsigned fails the probe, loudly', async () => {
  const insecure: RunningService = await startService({
    secret: world.secret,
    queue: world.queue,
    log: createLogger({ level: 'silent', destination: { write: () => undefined }, redactor: new SecretRedactor() }),
    version: '0.0.0-test',
    host: '127.0.0.1',
    port: 0,
    apiUrl: world.sandbox.url,
    jwksUrl: world.sandbox.jwksUrl,
    insecureSkipVerify: true,
  });
  try {
    const probe = sinkIo();
    assert.equal(await probeDeployed(new URL(insecure.url), probe.io, true), 1);
    const report = JSON.parse(probe.out()) as { signed: boolean; ok: boolean; probes: { what: string; status: number; ok: boolean }[] };
    assert.deepEqual([report.signed, report.ok, report.probes.map((p) => [p.status === 401, p.ok])], [false, false, [[false, true], [false, false]]]);
    assert.match(probe.err(), /did not refuse the unsigned request for its missing signature \(401\) but answered \d+: is signature checking off/);
  } finally {
    await insecure.close();
  }
});
