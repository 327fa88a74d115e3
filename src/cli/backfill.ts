import { defaultApiBase } from '../benchling/tenant-urls.ts';
import { BenchlingClient } from '../benchling/benchling-client.ts';
import { DEFAULT_MAX_WAITING, runBackfill, type BackfillQueue, type BackfillResult } from '../backfill/backfill-run.ts';
import { BackfillCheckpoint, checkpointPath } from '../backfill/checkpoint.ts';
import { progressLine, type BackfillCounts } from '../backfill/progress.ts';
import { parseSelection } from '../backfill/selection.ts';
import type { BenchlingEntry } from '../benchling/api-schemas.ts';
import { dataDir } from '../config/paths.ts';
import { readLatest } from '../quilt/read-package.ts';
import { entryPackageName } from '../worker/entry-package-name.ts';
import { AppError, UsageError } from '../errors/app-error.ts';
import type { EntryJob, Job } from '../jobs/job.ts';
import type { BackfillOptions } from './commands/backfill.ts';
import { println, type CliIo } from './io.ts';
import { openRuntime, type Runtime } from './runtime.ts';
import { startServing, type Serving } from './serve.ts';
import type { JobOutcome } from './start-worker.ts';

const PROGRESS_EVERY_MS = 1000;

function maxWaiting(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_WAITING;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError('BACKFILL_MAX_WAITING_INVALID', `--max-waiting takes a whole number of jobs, at least 1, not ${JSON.stringify(text)}`);
  return n;
}

/**
 * The entries this run queued, until each is packaged or has failed for good. Counted by
 * entry, not by job: a backfill job merged into a webhook's job still waiting for the same
 * entry is done when that job is.
 */
class PackagingTally {
  private readonly pending = new Set<string>();
  packaged = 0;
  failed = 0;
  private wake: (() => void) | undefined;

  queued(entryId: string): void {
    this.pending.add(entryId);
  }

  readonly observe = (job: Job, outcome: JobOutcome): void => {
    if (job.kind !== 'entry' || !this.pending.has(job.entryId) || outcome === 'deferred' || outcome === 'retrying') return;
    this.pending.delete(job.entryId);
    if (outcome === 'done') this.packaged++;
    else this.failed++;
    this.wake?.();
  };

  /** Resolves once nothing this run queued is left, calling `tick` at least every `everyMs`. */
  async settled(tick: () => void, everyMs: number): Promise<void> {
    while (this.pending.size > 0) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, everyMs).unref();
      });
      tick();
    }
  }
}

/** Progress on stderr, at most once a second (and always the last). */
function progressPrinter(io: CliIo, packagedHere: boolean) {
  const started = Date.now();
  let printed = 0;
  return (counts: BackfillCounts, force = false) => {
    if (!force && Date.now() - printed < PROGRESS_EVERY_MS) return;
    printed = Date.now();
    println(io.stderr, `backfill: ${progressLine(counts, Date.now() - started, packagedHere)}`);
  };
}

function clientFor(runtime: Runtime): BenchlingClient {
  const secret = runtime.secret.current;
  return new BenchlingClient({
    apiBase: runtime.settings.benchlingApiUrl ?? defaultApiBase(secret),
    clientId: secret.client_id,
    clientSecret: secret.client_secret,
    // The process's one limiter: listing and packaging share the tenant's budget.
    rateLimiter: runtime.rateLimiter,
    log: runtime.log,
    redactor: runtime.context.redactor,
  });
}

/** The registry's latest package of the entry says it was made from the entry as it is now. */
function packagedAsIs(runtime: Runtime): (entry: BenchlingEntry) => Promise<boolean> {
  const prefix = runtime.settings.packagePrefix ?? 'benchling';
  return async (entry) => {
    if (entry.modifiedAt === undefined) return false;
    const latest = await readLatest(runtime.store, entryPackageName(prefix, entry));
    const meta = latest?.manifest.meta.user_meta as { modified_at?: unknown } | undefined;
    return meta?.modified_at === entry.modifiedAt;
  };
}

/** The embedded queue belongs to one process: a running `serve` holds it. */
function queueInUse(error: unknown): never {
  if (!(error instanceof AppError && error.code === 'queue_locked')) throw error;
  const advice = 'stop serve (or worker) first: the backfill answers webhooks itself while it runs; or queue into the deployed stack with --stack';
  throw new AppError('BACKFILL_QUEUE_IN_USE', `${error.message.replace(/;.*$/, '')}: ${advice}`);
}

/** The deployed stack's job queue, from its `QueueUrl` output. */
async function stackQueueUrl(options: BackfillOptions, io: CliIo): Promise<string> {
  if (options.queue !== undefined) throw new UsageError('BACKFILL_QUEUE_TWICE', '--stack takes the queue from the stack: leave out --queue');
  const [{ resolveStackTarget }, { createOperateClients }, { describeStack }] = await Promise.all([
    import('../operate/stack-target.ts'),
    import('../operate/aws-clients.ts'),
    import('../operate/cloudformation-stack.ts'),
  ]);
  const target = await resolveStackTarget({ profile: options.profile ?? 'default', region: options.region, stackName: options.stackName }, io.env);
  const stack = await describeStack(createOperateClients(target, io.env).cloudFormation, target.stackName);
  const url = stack.outputs.QueueUrl;
  if (!url) throw new AppError('BACKFILL_STACK_NO_QUEUE', `the stack ${target.stackName} has no QueueUrl output: is it a benchling-webhook stack, fully deployed? (\`benchling-webhook status\`)`);
  return url;
}

function report(io: CliIo, options: BackfillOptions, result: BackfillResult, counts: BackfillCounts, where: string): void {
  if (options.json) {
    println(io.stdout, JSON.stringify({ dryRun: options.dryRun === true, counts, ...(options.dryRun ? { entries: result.entries } : {}) }));
    return;
  }
  if (options.dryRun) {
    for (const entry of result.entries) println(io.stdout, `${entry.id}\t${entry.displayId ?? ''}\t${entry.modifiedAt ?? ''}`);
    println(io.stdout, `dry run: ${counts.listed} entries selected, ${result.entries.length} would be queued, ${counts.unchanged} already packaged and unchanged; nothing queued`);
    return;
  }
  println(io.stdout, `backfill ${where}: ${progressLine(counts, 0, where === 'done').replace(/ · ETA.*$/, '')}`);
}

/**
 * `backfill`: lists existing entries and queues one entry job for each, into the queue the
 * webhooks use. On the embedded queue (which only one process may hold) it runs what `serve`
 * runs meanwhile — the webhook service and the worker — and ends once what it queued is
 * packaged; on SQS it queues, and the stack's worker packages.
 */
export async function backfill(given: BackfillOptions, io: CliIo): Promise<number> {
  const selection = parseSelection(given);
  const limit = maxWaiting(given.maxWaiting);
  const options = given.stack ? { ...given, queue: await stackQueueUrl(given, io) } : given;
  const runtime = await openRuntime('backfill', options, io).catch(queueInUse);
  if (typeof runtime === 'number') return runtime;
  const embedded = (runtime.settings.queue ?? 'embedded') === 'embedded';
  const tally = new PackagingTally();
  let serving: Serving | undefined;
  try {
    if (embedded && !options.dryRun) serving = await startServing(runtime, options, io, tally.observe);
    const packagedHere = serving !== undefined;
    const print = progressPrinter(io, packagedHere);
    let counts: BackfillCounts | undefined;
    const current = () => ({ ...(counts ?? { listed: 0, unchanged: 0, queued: 0 }), packaged: tally.packaged, failed: tally.failed });
    const queue: BackfillQueue = {
      depth: () => runtime.queue.depth(),
      enqueue: async (job) => {
        const entryId = (job.body as EntryJob).entryId;
        // Counted before the job can run: the worker may finish it before enqueue returns.
        tally.queued(entryId);
        const result = await runtime.queue.enqueue(job);
        // Queued already by a run that died before its checkpoint said so: that job runs (or ran) on its own.
        if (result.duplicate) tally.observe(job.body, 'done');
        return result;
      },
    };
    const checkpoint = await BackfillCheckpoint.open(checkpointPath(dataDir(io.env), options.profile ?? 'default'));
    const client = clientFor(runtime);
    const result = await runBackfill(
      {
        listEntries: (query) => client.listEntries(query),
        queue,
        checkpoint,
        isPackaged: packagedAsIs(runtime),
        onProgress: (latest) => {
          counts = latest;
          if (!options.dryRun) print(current());
        },
      },
      { selection, dryRun: options.dryRun === true, maxWaiting: limit },
    );
    counts = result.counts;
    if (packagedHere) await tally.settled(() => print(current()), PROGRESS_EVERY_MS);
    if (!options.dryRun) print(current(), true);
    report(io, options, result, current(), packagedHere ? 'done' : 'queued (the stack\'s worker packages them)');
    return tally.failed > 0 ? 1 : 0;
  } finally {
    await serving?.stop();
    await runtime.close();
  }
}
