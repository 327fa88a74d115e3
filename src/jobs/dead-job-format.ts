import type { DeadJob } from './dead-jobs.ts';

/** Long reasons (a stack of causes) would wrap the table: the list shows their start, `show` all of it. */
const LIST_REASON_CHARS = 100;

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** One aligned row per dead job, in the order the queue keeps them, then how many; a line saying there are none when there are none. */
export function formatDeadJobList(jobs: readonly DeadJob[], where: string): string {
  if (jobs.length === 0) return `no dead jobs in ${where}`;
  const rows = [
    ['ID', 'KIND', 'ENTRY', 'RECEIVES', 'WHEN', 'LAST ERROR'],
    ...jobs.map((job) => [job.id, job.kind, job.entry ?? '-', String(job.receiveCount), job.at ?? '-', oneLine(job.unreadable ? `unreadable: ${job.unreadable}` : job.lastError, LIST_REASON_CHARS)]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '));
  return [...lines, `${jobs.length} dead job(s) in ${where}`].join('\n');
}

/** Everything about one dead job, its body included (jobs carry ids only, never a secret). */
export function formatDeadJob(job: DeadJob): string {
  const lines = [
    `id          ${job.id}`,
    `kind        ${job.kind}`,
    `entry       ${job.entry ?? '-'}`,
    `group       ${job.group}`,
    `receives    ${job.receiveCount}`,
    `when        ${job.at ?? 'unknown'}`,
    `last error  ${job.lastError}`,
  ];
  if (job.unreadable) lines.push(`unreadable  ${job.unreadable}`);
  lines.push('body', JSON.stringify(job.body, null, 2));
  return lines.join('\n');
}
