import type { Job } from '../../src/jobs/job.ts';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { encodeButtonId, tryEncodeButtonId } from '../../src/canvas/button-id.ts';
import { JOURNAL_FILE } from '../../src/queue/embedded-queue.ts';
import { readJournal } from '../../src/queue/journal-file.ts';
import { readLatest } from '../../src/quilt/read-package.ts';
import type { WebhookDelivery } from '../../src/sandbox/index.ts';
import { postWebhook } from '../../src/sandbox/send-webhook.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import type { WorkerLoop } from '../../src/worker/worker-loop.ts';
import { watchAttack, withinAttackBounds } from '../support/attack-watch.ts';
import { refusedId } from '../support/id-arbitraries.ts';
import { captured, knownSecretValues } from '../support/leak-guard.ts';
import { ServeProcess } from '../support/serve-process.ts';
import { openServiceWorld, startWorldWorker, type ServiceWorld } from '../support/service-world.ts';

/**
 * Ids that are not Benchling ids, wherever they arrive: in signed webhooks (answered 400
 * naming the field; nothing is queued and the sandbox tenant records no API call at all: an
 * entry id of `..` used to make the app GET /api/v2/ with its token), and in Benchling's own
 * answer (a task id the worker would poll). Attacks go to the real `serve` binary (service and
 * worker in one process) so that the bounds are measured on it alone.
 */

let world: ServiceWorld;
let store: ObjectStore;
let worker: WorkerLoop<Job>;
const workerLogs: string[] = [];

before(async () => {
  world = await openServiceWorld();
  knownSecretValues(world.sandbox.secret.client_id, world.sandbox.secret.client_secret);
  store = await openObjectStore(join(world.dir, 'registry'));
  worker = await startWorldWorker(world, store, workerLogs);
});

after(async () => {
  await worker?.stop();
  captured('worker log', workerLogs.join(''));
  await world?.close();
});

/** Whatever the sandbox saw apart from the service fetching its webhook keys. */
const apiCalls = () => world.sandbox.log.entries.filter((e) => !e.path.endsWith('/jwks')).map((e) => `${e.method} ${e.path}`);

async function until(what: string, probe: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Each way an id reaches the service, with the field the 400 must name. */
function attacks(id: string, canvasId: string): { what: string; envelope: object; names: RegExp }[] {
  const e = world.sandbox.envelopes;
  const entry = e.entryCreated('etr_placeholder');
  // Only what the button codec can carry (1–256 bytes of text) can name an entry in a button id.
  const button = tryEncodeButtonId({ action: 'update', entryId: id });
  const viaButton =
    button === undefined ? [] : [{ what: 'button id naming the entry', envelope: e.canvasUserInteracted({ canvasId, buttonId: button }), names: /buttonId whose entry is not a Benchling id/ }];
  return [
    ...viaButton,
    { what: 'entry resourceId', envelope: { ...entry, message: { ...entry.message, resourceId: id } }, names: /resourceId: not a Benchling id/ },
    { what: 'entry updated resourceId', envelope: e.entryUpdatedFields(id, ['name']), names: /resourceId: not a Benchling id/ },
    { what: 'canvas.initialized resourceId', envelope: e.canvasInitialized({ resourceId: id }), names: /resourceId: not a Benchling id/ },
    { what: 'canvas.created canvasId', envelope: e.canvasCreated({ canvasId: id, resourceId: 'etr_placeholder' }), names: /canvasId: not a Benchling id/ },
    { what: 'canvas.created resourceId', envelope: e.canvasCreated({ canvasId, resourceId: id }), names: /resourceId: not a Benchling id/ },
    { what: 'canvas.userInteracted canvasId', envelope: e.canvasUserInteracted({ canvasId: id, buttonId: encodeButtonId({ action: 'update', entryId: 'etr_x' }) }), names: /canvasId: not a Benchling id/ },
    { what: 'app.id', envelope: { ...entry, app: { id } }, names: /app\.id: not a Benchling id/ },
  ];
}

test('signed webhooks with ids that are not Benchling ids, at the real serve binary: 400 naming the field, nothing queued, no API call; serve stays within bounds', async () => {
  const sandbox = world.sandbox;
  const entry = sandbox.addEntry();
  const canvas = sandbox.insertCanvas(entry.id);
  const dataDir = await mkdtemp(join(tmpdir(), 'bw-ids-data-'));
  const registry = await mkdtemp(join(tmpdir(), 'bw-ids-reg-'));
  const serve = await new ServeProcess({ ...sandbox.serviceEnv(), XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-ids-')), XDG_DATA_HOME: dataDir, REGISTRY: registry, LOG_LEVEL: 'info' }).start();
  try {
    // serve fetches its webhook keys at start; after that, anything the sandbox sees came from a job.
    sandbox.log.clear();
    const ids = ['..', '.', '', '/', '%2F', '..%2F..', '../tasks/x', 'etr_1?x=1', 'etr_1#x', ' ', 'x'.repeat(201), ...fc.sample(refusedId, { numRuns: 40, seed: 11 })];
    // Signed up front, and checked afterwards, so that the attacker (this process, which also
    // probes /health) spends its time sending while the service is watched.
    const deliveries = ids.flatMap((id) =>
      attacks(id, canvas.id).map((attack) => {
        const body = JSON.stringify(attack.envelope);
        return { ...attack, id, body, signed: sandbox.signWebhook(body) };
      }),
    );
    const answers: WebhookDelivery[] = [];
    const send = async (delivery: (typeof deliveries)[number]) => answers.push(await postWebhook(`${serve.url}/event`, delivery.body, delivery.signed));
    // The first id's kinds, before the watch: a process's first refusals pay for compiling that path.
    const warmUp = deliveries.filter((d) => d.id === ids[0]);
    for (const delivery of warmUp) await send(delivery);
    const watch = await watchAttack({ pid: serve.pid, url: serve.url });
    for (const delivery of deliveries.slice(warmUp.length)) await send(delivery);
    const report = await watch.stop();
    const bounds = withinAttackBounds(report);
    console.log(`${answers.length} bad-id webhooks at serve: ${bounds.summary}`); // eslint-disable-line no-console
    assert.ok(bounds.ok, bounds.summary);
    deliveries.forEach((delivery, i) => {
      const answer = answers[i]!;
      const body = answer.body as { error?: string; message?: string };
      assert.equal(answer.status, 400, `${delivery.what} = ${JSON.stringify(delivery.id)}: ${JSON.stringify(body)}`);
      assert.equal(body.error, 'bad_request');
      assert.match(body.message ?? '', delivery.names, delivery.what);
      assert.match(body.message ?? '', /letters, digits, "_" and "-"/, 'the message says what an id looks like');
    });

    await new Promise((resolve) => setTimeout(resolve, 500));
    const { events } = await readJournal(join(dataDir, 'benchling-webhook', 'queue', JOURNAL_FILE));
    assert.equal(events.filter((e) => e.t === 'enq').length, 0, 'nothing queued');
    assert.deepEqual(apiCalls(), [], 'the sandbox saw no API call, not even a token request');
    const lines = serve.messages('webhook');
    assert.equal(lines.length, answers.length);
    assert.ok(lines.every((l) => l.status === 400 && l.job === undefined));

    // The same serve is live: a good event right after is packaged.
    const good = await sandbox.sendWebhook(`${serve.url}/event`, sandbox.envelopes.entryCreated(entry.id));
    assert.equal(good.status, 202);
    const reg = await openObjectStore(registry);
    await until('the good entry to be packaged', async () => (await readLatest(reg, `benchling/${entry.displayId}`)) !== undefined);
    assert.ok(apiCalls().includes(`GET /api/v2/entries/${entry.id}`));
  } finally {
    await serve.kill('SIGTERM');
  }
});

test('a task id in the export answer that is not an id is never polled: the job fails and its retry packages the entry', async () => {
  const entry = world.sandbox.addEntry();
  world.sandbox.log.clear();
  world.sandbox.failNext('POST /api/v2/exports', { status: 202, body: { taskId: '..' } });
  const sent = await world.sandbox.sendWebhook(`${world.service.url}/event`, world.sandbox.envelopes.entryCreated(entry.id));
  assert.equal(sent.status, 202);
  await until('the retried job to package the entry', async () => (await readLatest(store, `benchling/${entry.displayId}`)) !== undefined);
  const calls = apiCalls();
  assert.ok(!calls.some((c) => /^GET \/api\/v2\/?$/.test(c) || c === 'GET /api/v2/tasks/..' || c === 'GET /api/v2/entries/'), calls.join('\n'));
  assert.equal(calls.filter((c) => c === 'POST /api/v2/exports').length, 2, 'refused once, then retried');
  assert.ok(workerLogs.some((l) => l.includes('job failed; it will be retried') && l.includes('taskId: not a Benchling id')));
});
