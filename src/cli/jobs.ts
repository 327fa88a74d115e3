import { join } from 'node:path';
import { dataDir } from '../config/paths.ts';
import { resolveSettings } from '../config/settings.ts';
import { confirmChange } from '../deploy/confirmation.ts';
import { AppError, UsageError } from '../errors/app-error.ts';
import { formatDeadJob, formatDeadJobList } from '../jobs/dead-job-format.ts';
import { deadJob, deadJobFilter, deadJobSelection, matchesFilter, type DeadJob } from '../jobs/dead-jobs.ts';
import { operateRuntime } from '../operate/operate-runtime.ts';
import type { DeadLetterAdmin } from '../queue/dead-letter-admin.ts';
import { isSqsQueueUrl, QUEUE_SETTING_HELP } from '../queue/open-queue.ts';
import type { JobsOptions } from './commands/jobs.ts';
import { println, type CliIo } from './io.ts';

/**
 * `jobs list|show|retry|purge`: the dead letters of the queue `serve` and `worker` use here
 * (QUEUE: the embedded one under the data dir, or an SQS queue's dead-letter queue), or with
 * --profile those of the deployed stack's SQS dead-letter queue, found through the stack's
 * outputs as `status` finds them.
 */

async function openDeadLetters(options: JobsOptions, io: CliIo): Promise<DeadLetterAdmin> {
  if (options.profile === undefined) return openLocalDeadLetters(options, io);
  const [{ CloudFormationClient }, { SQSClient }, { awsClientConfig }, { resolveStackTarget }, { readStackQueues }, { SqsDeadLetters }] = await Promise.all([
    import('@aws-sdk/client-cloudformation'),
    import('@aws-sdk/client-sqs'),
    import('../operate/aws-client-config.ts'),
    import('../operate/stack-target.ts'),
    import('../operate/stack-queues.ts'),
    import('../queue/sqs-dead-letter-admin.ts'),
  ]);
  const target = await resolveStackTarget({ profile: options.profile, region: options.region, stackName: options.stackName }, io.env);
  const cloudFormation = new CloudFormationClient(awsClientConfig('CLOUDFORMATION', target, io.env));
  const sqsConfig = awsClientConfig('SQS', target, io.env);
  // A local SQS names its queues after hosts that may not resolve: calls keep to the endpoint.
  const sqs = new SQSClient({ ...sqsConfig, useQueueUrlAsEndpoint: sqsConfig.endpoint === undefined });
  try {
    const queues = await readStackQueues(cloudFormation, target.stackName);
    return ownClient(new SqsDeadLetters({ client: sqs, ...queues }), () => sqs.destroy());
  } catch (error) {
    sqs.destroy();
    throw error;
  } finally {
    cloudFormation.destroy();
  }
}

/** What `serve`/`worker` would use, from --queue or QUEUE: the embedded queue under the data dir, or an SQS queue's dead-letter queue. */
async function openLocalDeadLetters(options: JobsOptions, io: CliIo): Promise<DeadLetterAdmin> {
  const { values } = resolveSettings(['queue'], { flags: { queue: options.queue }, env: io.env });
  const queue = values.queue ?? 'embedded';
  if (queue === 'embedded') {
    const { openEmbeddedDeadLetters } = await import('../queue/embedded-dead-letters.ts');
    return openEmbeddedDeadLetters(join(dataDir(io.env), 'queue'));
  }
  if (!isSqsQueueUrl(queue)) throw new UsageError('QUEUE_INVALID', `${QUEUE_SETTING_HELP}; or pass --profile for the deployed stack's dead-letter queue`);
  const [{ SQSClient }, { awsClientConfig }, { SqsDeadLetters }] = await Promise.all([
    import('@aws-sdk/client-sqs'),
    import('../operate/aws-client-config.ts'),
    import('../queue/sqs-dead-letter-admin.ts'),
  ]);
  const config = awsClientConfig('SQS', { region: options.region ?? io.env.AWS_REGION, awsProfile: undefined }, io.env);
  const sqs = new SQSClient({ ...config, useQueueUrlAsEndpoint: config.endpoint === undefined });
  return ownClient(await SqsDeadLetters.ofQueue(sqs, queue).catch((error: unknown) => {
    sqs.destroy();
    throw error;
  }), () => sqs.destroy());
}

/** The admin, closing the SQS client it was made with when it is closed. */
function ownClient(admin: DeadLetterAdmin, destroy: () => void): DeadLetterAdmin {
  return { source: admin.source, list: () => admin.list(), retry: (select) => admin.retry(select), purge: (select) => admin.purge(select), close: async () => destroy() };
}

async function withDeadLetters(options: JobsOptions, io: CliIo, run: (admin: DeadLetterAdmin) => Promise<number>): Promise<number> {
  const admin = await openDeadLetters(options, io);
  try {
    return await run(admin);
  } finally {
    await admin.close();
  }
}

function where(admin: DeadLetterAdmin): string {
  return admin.source.kind === 'embedded' ? `the embedded queue at ${admin.source.location}` : `the dead-letter queue ${admin.source.location}`;
}

function notFound(id: string, admin: DeadLetterAdmin): AppError {
  return new AppError('JOB_NOT_FOUND', `no dead job ${id} in ${where(admin)}: see \`benchling-webhook jobs list\` for the ids`);
}

function ids(jobs: readonly DeadJob[]): string {
  return jobs.map((job) => `\n  ${job.id}  ${job.kind}${job.entry ? ` ${job.entry}` : ''}`).join('');
}

export async function jobsList(options: JobsOptions, io: CliIo): Promise<number> {
  const filter = deadJobFilter(options);
  return withDeadLetters(options, io, async (admin) => {
    const jobs = (await admin.list()).map(deadJob).filter((job) => matchesFilter(job, filter));
    println(io.stdout, options.json ? JSON.stringify({ source: admin.source, jobs }) : formatDeadJobList(jobs, where(admin)));
    return 0;
  });
}

export async function jobsShow(options: JobsOptions, io: CliIo): Promise<number> {
  const id = options.id ?? '';
  return withDeadLetters(options, io, async (admin) => {
    const job = (await admin.list()).map(deadJob).find((candidate) => candidate.id === id);
    if (!job) throw notFound(id, admin);
    println(io.stdout, options.json ? JSON.stringify({ source: admin.source, job }) : formatDeadJob(job));
    return 0;
  });
}

export async function jobsRetry(options: JobsOptions, io: CliIo): Promise<number> {
  const select = deadJobSelection(options, 'jobs retry');
  return withDeadLetters(options, io, async (admin) => {
    const retried = (await admin.retry((letter) => select(deadJob(letter)))).map(deadJob);
    if (options.id !== undefined && retried.length === 0) throw notFound(options.id, admin);
    const text = retried.length === 0 ? `no dead job matched in ${where(admin)}: nothing was sent back` : `sent ${retried.length} job(s) back to the queue, to run again:${ids(retried)}`;
    println(io.stdout, options.json ? JSON.stringify({ source: admin.source, retried: retried.map((job) => job.id) }) : text);
    return 0;
  });
}

export async function jobsPurge(options: JobsOptions, io: CliIo): Promise<number> {
  const select = deadJobSelection(options, 'jobs purge');
  return withDeadLetters(options, io, async (admin) => {
    const matching = (await admin.list()).map(deadJob).filter(select);
    if (options.id !== undefined && matching.length === 0) throw notFound(options.id, admin);
    if (matching.length > 0) {
      const what = `deleting ${matching.length} dead job(s) from ${where(admin)}`;
      await confirmChange(`Delete ${matching.length} dead job(s) for good?${ids(matching)}\n`, what, { yes: options.yes === true, runtime: operateRuntime() });
    }
    const purged = matching.length === 0 ? [] : (await admin.purge((letter) => select(deadJob(letter)))).map(deadJob);
    const text = purged.length === 0 ? `no dead job matched in ${where(admin)}: nothing was deleted` : `deleted ${purged.length} dead job(s) for good:${ids(purged)}`;
    println(io.stdout, options.json ? JSON.stringify({ source: admin.source, purged: purged.map((job) => job.id) }) : text);
    return 0;
  });
}
