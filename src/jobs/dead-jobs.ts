import { parseJob, type JobKind } from './job.ts';
import { UsageError } from '../errors/app-error.ts';

/**
 * A dead letter as an operator sees it (`benchling-webhook jobs`): which kind of job, for which
 * entry, how often it was delivered, why it died and when. A body that is not a job (written
 * by another version, or by hand) is still shown, as "unreadable", with the schema's reason.
 */

/** What a queue says of one of its dead letters (queue/queue.ts DeadLetter, by shape). */
export interface DeadLetterFacts {
  jobId: string;
  groupId: string;
  body: Readonly<Record<string, unknown>>;
  receiveCount: number;
  reason: string;
  at?: number | undefined;
}

export type DeadJobKind = JobKind | 'unreadable';

export const DEAD_JOB_KINDS: readonly DeadJobKind[] = ['entry', 'canvas', 'unreadable'];

export interface DeadJob {
  id: string;
  group: string;
  kind: DeadJobKind;
  /** The entry it is for: an entry job's entry, a canvas job's resource; null when it does not say. */
  entry: string | null;
  receiveCount: number;
  /** Why it was dead-lettered: the last error. */
  lastError: string;
  /** When it was dead-lettered (ISO 8601); null when the queue cannot say. */
  at: string | null;
  /** Only for an unreadable body: why it is not a job. */
  unreadable?: string;
  body: Readonly<Record<string, unknown>>;
}

export function deadJob(letter: DeadLetterFacts): DeadJob {
  const parsed = parseJob(letter.body);
  const common = {
    id: letter.jobId,
    group: letter.groupId,
    receiveCount: letter.receiveCount,
    lastError: letter.reason,
    at: letter.at === undefined ? null : new Date(letter.at).toISOString(),
    body: letter.body,
  };
  if (!parsed.ok) return { ...common, kind: 'unreadable', entry: null, unreadable: parsed.reason };
  const job = parsed.body;
  const entry = job.kind === 'entry' ? job.entryId : (job.resourceId ?? null);
  return { ...common, kind: job.kind, entry };
}

/** `--kind` and `--entry`: both must match when both are given; neither matches every job. */
export interface DeadJobFilter {
  kind?: DeadJobKind | undefined;
  entry?: string | undefined;
}

export function matchesFilter(job: DeadJob, filter: DeadJobFilter): boolean {
  return (filter.kind === undefined || job.kind === filter.kind) && (filter.entry === undefined || job.entry === filter.entry);
}

export function isDeadJobKind(value: string): value is DeadJobKind {
  return (DEAD_JOB_KINDS as readonly string[]).includes(value);
}

/** What `retry` and `purge` act on: one id, or --all narrowed by --kind/--entry. */
export interface DeadJobSelectionInput {
  id?: string | undefined;
  all?: boolean | undefined;
  kind?: string | undefined;
  entry?: string | undefined;
}

/** A usage mistake in the filters: the flag and what it takes. */
export function deadJobFilter(input: Pick<DeadJobSelectionInput, 'kind' | 'entry'>): DeadJobFilter {
  if (input.kind !== undefined && !isDeadJobKind(input.kind)) {
    throw new UsageError('JOB_KIND_INVALID', `--kind ${JSON.stringify(input.kind.slice(0, 40))} is not a job kind: use ${DEAD_JOB_KINDS.join(', ')}`);
  }
  if (input.entry !== undefined && input.entry.trim() === '') throw new UsageError('JOB_ENTRY_INVALID', '--entry needs an entry id (etr_…)');
  return { kind: input.kind, entry: input.entry };
}

/** The jobs one command acts on; exactly one of an id and --all, and the filters only with --all. */
export function deadJobSelection(input: DeadJobSelectionInput, command: string): (job: DeadJob) => boolean {
  if (input.id !== undefined && input.all) throw new UsageError('JOB_SELECTION_INVALID', `${command}: give a job id or --all, not both`);
  if (input.id === undefined && !input.all) throw new UsageError('JOB_SELECTION_INVALID', `${command}: which job? give its id (see \`benchling-webhook jobs list\`) or --all`);
  if (input.id !== undefined) {
    if (input.kind !== undefined || input.entry !== undefined) throw new UsageError('JOB_SELECTION_INVALID', `${command}: --kind and --entry narrow --all; with a job id they are not needed`);
    const id = input.id;
    return (job) => job.id === id;
  }
  const filter = deadJobFilter(input);
  return (job) => matchesFilter(job, filter);
}
