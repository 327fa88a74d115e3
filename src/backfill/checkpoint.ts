import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors/app-error.ts';

/**
 * What a backfill has done, kept on disk so that a re-run (after a kill, or days later)
 * continues instead of starting over: every entry it queued with the modifiedAt it had then,
 * and for each selection how far its listing got. An entry queued before and unchanged
 * since is never queued again; an entry edited since is (its modifiedAt moved on).
 */
const CheckpointFileSchema = z.object({
  version: z.literal(1),
  /** entry id → the entry's modifiedAt when it was queued. */
  queued: z.record(z.string(), z.string()),
  /** selection key (selection.ts) → modifiedAt of the last entry that selection's listing handled. */
  positions: z.record(z.string(), z.string()),
});

type CheckpointFile = z.infer<typeof CheckpointFileSchema>;

/** One file per profile, beside the embedded queue under the data dir. */
export function checkpointPath(dataDir: string, profile: string): string {
  return join(dataDir, 'backfill', `${profile}.json`);
}

export class BackfillCheckpoint {
  private constructor(
    readonly path: string,
    private readonly state: CheckpointFile,
  ) {}

  /** The checkpoint at path, or an empty one when there is none yet. */
  static async open(path: string): Promise<BackfillCheckpoint> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new BackfillCheckpoint(path, { version: 1, queued: {}, positions: {} });
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = CheckpointFileSchema.safeParse(parsed);
    if (!result.success) throw new AppError('BACKFILL_CHECKPOINT_INVALID', `the backfill checkpoint ${path} is not one this version wrote: move it away to start the backfill over`);
    return new BackfillCheckpoint(path, result.data);
  }

  /** Queued before, and not modified since. */
  covers(entryId: string, modifiedAt: string | undefined): boolean {
    return modifiedAt !== undefined && this.state.queued[entryId] === modifiedAt;
  }

  queuedCount(): number {
    return Object.keys(this.state.queued).length;
  }

  recordQueued(entryId: string, modifiedAt: string | undefined): void {
    if (modifiedAt !== undefined) this.state.queued[entryId] = modifiedAt;
  }

  position(selection: string): string | undefined {
    return this.state.positions[selection];
  }

  /** Only ever forward: a page read again from an earlier point never moves it back. */
  advance(selection: string, modifiedAt: string | undefined): void {
    const current = this.state.positions[selection];
    if (modifiedAt !== undefined && (current === undefined || modifiedAt > current)) this.state.positions[selection] = modifiedAt;
  }

  /** Written whole to a temporary file and renamed over the old one: a kill leaves one or the other. */
  async save(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(this.state)}\n`, { mode: 0o600 });
    await rename(temp, this.path);
  }
}
