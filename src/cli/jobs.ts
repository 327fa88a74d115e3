import { confirmChange } from '../deploy/confirmation.ts';
import { AppError } from '../errors/app-error.ts';
import { formatDeadJob, formatDeadJobList } from '../jobs/dead-job-format.ts';
import { deadJob, deadJobFilter, deadJobSelection, matchesFilter, type DeadJob } from '../jobs/dead-jobs.ts';
import { operateRuntime } from '../operate/operate-runtime.ts';
import type { DeadLetterAdmin } from '../queue/dead-letter-admin.ts';
import type { JobsOptions } from './commands/jobs.ts';
import { openDeadLetters } from './dead-letter-source.ts';
import { println, type CliIo } from './io.ts';

/**
 * `jobs list|show|retry|purge`: see the dead jobs, send them back to run again, or delete
 * them; which dead letters is dead-letter-source.ts's choice.
 */

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
