import { randomUUID } from 'node:crypto';
import type { CraftedExport, ExportContent } from './export-zip.ts';
import { randomHex } from './ids.ts';

/** How long an export stays RUNNING: at least `polls` task reads and at least `ms` of time. */
export interface ExportTiming {
  polls: number;
  ms: number;
}

export type TaskView =
  | { status: 'RUNNING' }
  | { status: 'SUCCEEDED'; message: string; response: { downloadURL: string } }
  | { status: 'FAILED'; message: string; errors: { message: string }[] };

interface ExportTask {
  id: string;
  createdAt: number;
  polls: number;
  timing: ExportTiming;
  failure: string | undefined;
  downloadToken: string;
  /** Held RUNNING until released, however often it is polled. */
  held: boolean;
}

/**
 * Export tasks and the downloads they produce. The content is captured when the export
 * starts, as Benchling renders a snapshot: an edit after that does not change the ZIP.
 */
export class ExportTasks {
  private readonly tasks = new Map<string, ExportTask>();
  private readonly downloads = new Map<string, ExportContent>();
  private readonly crafted = new Map<string, CraftedExport>();
  private readonly holding = new Set<string>();

  constructor(public timing: ExportTiming) {}

  /** Exports of this entry started from now on download `body` instead of its ZIP; undefined restores the ZIP. */
  craft(entryId: string, body: CraftedExport | undefined): void {
    if (body === undefined) this.crafted.delete(entryId);
    else this.crafted.set(entryId, body);
  }

  craftedBody(entryId: string): CraftedExport | undefined {
    return this.crafted.get(entryId);
  }

  /** Exports of this entry started from now on stay RUNNING until releaseAll(): a test can keep the worker's export slots busy. */
  hold(entryId: string): void {
    this.holding.add(entryId);
  }

  releaseAll(): void {
    this.holding.clear();
    for (const task of this.tasks.values()) task.held = false;
  }

  get heldRunning(): number {
    return [...this.tasks.values()].filter((task) => task.held).length;
  }

  start(content: ExportContent, failure: string | undefined, entryId?: string): string {
    const task: ExportTask = {
      held: entryId !== undefined && this.holding.has(entryId),
      id: randomUUID(),
      createdAt: Date.now(),
      polls: 0,
      timing: { ...this.timing },
      failure,
      downloadToken: randomHex(16),
    };
    this.tasks.set(task.id, task);
    if (failure === undefined) this.downloads.set(task.downloadToken, content);
    return task.id;
  }

  /** Each read counts as a poll; undefined for an unknown task. */
  poll(id: string, baseURL: string): TaskView | undefined {
    const task = this.tasks.get(id);
    if (!task) return undefined;
    task.polls++;
    const done = !task.held && task.polls > task.timing.polls && Date.now() - task.createdAt >= task.timing.ms;
    if (!done) return { status: 'RUNNING' };
    if (task.failure !== undefined) return { status: 'FAILED', message: task.failure, errors: [{ message: task.failure }] };
    const downloadURL = `${baseURL}/downloads/${task.downloadToken}.zip?X-Amz-Expires=86400&X-Amz-Signature=${randomHex(32)}`;
    return { status: 'SUCCEEDED', message: 'Export completed.', response: { downloadURL } };
  }

  download(token: string): ExportContent | undefined {
    return this.downloads.get(token);
  }
}
