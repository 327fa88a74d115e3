import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { HEARTBEAT_CHECK_SCRIPT, HEARTBEAT_FILE_NAME, HEARTBEAT_STALE_MS, type HungJob } from '../../src/config/worker-health-check.ts';
import { startHeartbeat } from '../../src/worker/heartbeat.ts';

const made: string[] = [];
after(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bw-heartbeat-'));
  made.push(dir);
  return dir;
}

/** The container's health check, run as ECS runs it, with this directory as its /tmp. */
function check(dir: string): number | null {
  return spawnSync(process.execPath, ['-e', HEARTBEAT_CHECK_SCRIPT], { env: { PATH: process.env.PATH, TMPDIR: dir } }).status;
}

test('the health check passes while the file is fresh, fails once it is stale or gone', async () => {
  const dir = await tempDir();
  assert.equal(check(dir), 1, 'no file yet');
  const heartbeat = await startHeartbeat({ path: join(dir, HEARTBEAT_FILE_NAME), alive: () => true });
  assert.equal(check(dir), 0);
  const old = new Date(Date.now() - HEARTBEAT_STALE_MS - 1000);
  await utimes(heartbeat.path, old, old);
  assert.equal(check(dir), 1, 'older than three beats');
  await heartbeat.stop();
  assert.equal(check(dir), 1, 'removed on a clean stop');
});

test('beats keep the file fresh while the worker runs, and stop when it does not', async () => {
  const dir = await tempDir();
  let alive = true;
  const heartbeat = await startHeartbeat({ path: join(dir, HEARTBEAT_FILE_NAME), everyMs: 20, alive: () => alive });
  const old = new Date(Date.now() - 60_000);
  await utimes(heartbeat.path, old, old);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(Date.now() - (await stat(heartbeat.path)).mtimeMs < 1000, 'rewritten by the next beat');
  alive = false;
  await new Promise((resolve) => setTimeout(resolve, 60));
  await utimes(heartbeat.path, old, old);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(Math.abs((await stat(heartbeat.path)).mtimeMs - old.getTime()) < 1, 'a stopped worker loop gets no beats');
  await heartbeat.stop();
});

/** The check's output as well: the line ECS keeps with a failed health check. */
function checkOutput(dir: string): string {
  return spawnSync(process.execPath, ['-e', HEARTBEAT_CHECK_SCRIPT], { env: { PATH: process.env.PATH, TMPDIR: dir }, encoding: 'utf8' }).stdout.trim();
}

test('the check fails while the beats name a hung job, says which and for how long, and passes once they do not', async () => {
  const dir = await tempDir();
  let hung: HungJob[] = [{ jobId: 'job-1', kind: 'canvas', entry: 'etr_1', since: Date.now() - 95_000 }];
  const heartbeat = await startHeartbeat({ path: join(dir, HEARTBEAT_FILE_NAME), everyMs: 20, alive: () => true, hung: () => hung });
  assert.equal(check(dir), 1);
  assert.equal(checkOutput(dir), 'worker unhealthy: job job-1 (kind canvas, entry etr_1) hung for 95 s: abandoned at JOB_DEADLINE, its call still pending');
  hung = [];
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(check(dir), 0, 'the call returned');
  const old = new Date(Date.now() - HEARTBEAT_STALE_MS - 5000);
  await heartbeat.stop();
  // A file from a worker that wrote only a timestamp still counts by its age.
  await writeFile(join(dir, HEARTBEAT_FILE_NAME), String(Date.now()));
  assert.equal(check(dir), 0);
  await utimes(join(dir, HEARTBEAT_FILE_NAME), old, old);
  assert.match(checkOutput(dir), /^worker unhealthy: no heartbeat for 3\d s$/);
});
