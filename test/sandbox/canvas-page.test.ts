import type { Job } from '../../src/jobs/job.ts';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { consoleRoutes, type ConsoleOptions } from '../../src/sandbox/console/control-routes.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import type { WorkerLoop } from '../../src/worker/worker-loop.ts';
import { openServiceWorld, startWorldWorker, type ServiceWorld } from '../support/service-world.ts';

/**
 * The sandbox's canvas page in a real browser: Debian's Chromium, driven by playwright-core
 * (which downloads no browser), against the real service and worker. What a user sees and
 * clicks is what Benchling would show and send.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const CATALOG = 'catalog.example.com';

// Filled in once the service listens: the sandbox starts first, since the service needs its URL.
const consoleOptions: ConsoleOptions = { appUrl: '' };
let world: ServiceWorld;
let worker: WorkerLoop<Job>;
let profile: string;
let browser: BrowserContext;
let page: Page;
const workerLogs: string[] = [];

before(async () => {
  profile = await mkdtemp(join(tmpdir(), 'bw-chromium-'));
  const [opened, context] = await Promise.all([
    openServiceWorld({ sandbox: { extraRoutes: (tenant) => consoleRoutes(tenant, consoleOptions) } }),
    chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
  ]);
  [world, browser] = [opened, context];
  consoleOptions.appUrl = world.service.url;
  const store = await openObjectStore(join(world.dir, 'registry'));
  worker = await startWorldWorker(world, store, workerLogs, { quiltCatalog: CATALOG });
  page = browser.pages()[0] ?? (await browser.newPage());
});
after(async () => {
  await browser?.close();
  await worker?.stop();
  await world?.close();
  await rm(profile, { recursive: true, force: true });
});

test('the canvas page shows the canvas the app drew, with its package link; "Browse files" there lists the package\'s files', async () => {
  await page.goto(world.sandbox.url);
  await page.getByText('No canvases yet').waitFor({ timeout: 5_000 });

  const sent = await fetch(`${world.sandbox.url}/sandbox/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"event":"canvas-initialized"}' });
  assert.equal(sent.status, 200);
  assert.equal(((await sent.json()) as { status: number }).status, 202);

  const entry = world.sandbox.demoEntry;
  const packageName = `benchling/${entry.displayId}`;
  const link = page.getByRole('link', { name: packageName, exact: true });
  await link.waitFor({ timeout: 10_000 });
  assert.match((await link.getAttribute('href')) ?? '', new RegExp(`^https://${CATALOG.replace(/\./g, '\\.')}/b/`));
  assert.match((await page.locator('.canvas > h2').textContent()) ?? '', new RegExp(entry.displayId), 'the canvas is shown in its entry');

  // Disabled while the app shows "Updating…"; enabled once the package is there.
  const browse = page.locator('button:enabled', { hasText: /^Browse files$/ });
  await browse.waitFor({ timeout: 10_000 });
  await browse.click();

  await page.getByRole('heading', { name: `Files in ${packageName}` }).waitFor({ timeout: 10_000 });
  const files = await page.locator('.canvas li').allTextContents();
  for (const file of ['entry.json', 'protocol.md', 'plate-reader.csv', 'gel.png']) {
    assert.ok(files.some((line) => line.startsWith(file)), `${file} in ${JSON.stringify(files)}`);
  }
  assert.match((await page.locator('#status').textContent()) ?? '', /v2\.canvas\.userInteracted → 202/, 'the page says what it sent');
  assert.ok(await page.getByRole('button', { name: 'Back to entry' }).isEnabled());
});

test('"Update package" there: the canvas shows "Updating…" with its buttons disabled, then the app\'s new view', async () => {
  await page.locator('button:enabled', { hasText: /^Back to entry$/ }).click();
  const repackage = page.locator('button:enabled', { hasText: /^Update package$/ });
  await repackage.waitFor({ timeout: 10_000 });
  const revisions = world.sandbox.canvasWrites.length;
  await repackage.click();
  // Shown by the page at once (as Benchling does after a click) or by the app's own "Updating…" view.
  // One selector, so "Updating…" shown and no button enabled are seen in the same moment.
  const updating = page.locator('.canvas:has(:is(.updating-note, .markdown strong):visible:text("Updating…")):not(:has(button:enabled))');
  await updating.waitFor({ timeout: 10_000 });
  await page.locator('button:enabled', { hasText: /^Browse files$/ }).waitFor({ timeout: 10_000 });
  assert.ok(world.sandbox.canvasWrites.length > revisions, 'the app redrew the canvas');
  assert.equal(await page.locator('.canvas.updating').count(), 0);
});
