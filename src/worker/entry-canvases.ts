import type { Logger } from '../log/logger.ts';
import { APP_KEYS_PREFIX } from '../storage/app-keys.ts';
import type { ObjectStore } from '../storage/object-store.ts';

/**
 * Which canvases show which entry, kept in the registry rather than in memory: Benchling has
 * no "canvases of an entry" call, and on AWS the canvas may have been drawn by another worker
 * task or before the last deploy. One empty object per pair, so two workers adding canvases
 * to one entry never overwrite each other.
 */
export const ENTRY_CANVASES_PREFIX = `${APP_KEYS_PREFIX}canvases/`;

/** Benchling ids (`etr_…`, `cnv_…`); anything else is not written into a key. */
const BENCHLING_ID = /^[A-Za-z0-9_-]{1,200}$/;

/** Pairs this process has written, so a canvas clicked all day costs one put, not one per click. */
const MAX_WRITTEN = 10_000;

export type EntryCanvasStore = Pick<ObjectStore, 'putObject' | 'listKeys' | 'delete'>;

export class EntryCanvases {
  private readonly written = new Set<string>();

  constructor(
    private readonly store: EntryCanvasStore,
    private readonly log: Logger,
  ) {}

  /** Records the pair; a failed write is logged, never thrown: only a later redraw is lost. */
  async add(entryId: string, canvasId: string): Promise<void> {
    const key = pairKey(entryId, canvasId);
    if (key === undefined || this.written.has(key)) return;
    try {
      await this.store.putObject(key, '');
    } catch (err) {
      this.log.warn({ err, entryId, canvasId }, 'could not record the canvas of this entry; later edits will not redraw it');
      return;
    }
    if (this.written.size >= MAX_WRITTEN) this.written.clear();
    this.written.add(key);
  }

  /** The canvases recorded for the entry, from any process; throws when the registry cannot be listed. */
  async of(entryId: string): Promise<string[]> {
    if (!BENCHLING_ID.test(entryId)) return [];
    const prefix = `${ENTRY_CANVASES_PREFIX}${entryId}/`;
    const canvasIds: string[] = [];
    for await (const key of this.store.listKeys(prefix)) {
      const canvasId = key.slice(prefix.length);
      if (BENCHLING_ID.test(canvasId)) canvasIds.push(canvasId);
    }
    return canvasIds;
  }

  /** For a canvas Benchling no longer has: later edits stop trying to redraw it. */
  async remove(entryId: string, canvasId: string): Promise<void> {
    const key = pairKey(entryId, canvasId);
    if (key === undefined) return;
    this.written.delete(key);
    await this.store.delete(key);
  }
}

function pairKey(entryId: string, canvasId: string): string | undefined {
  return BENCHLING_ID.test(entryId) && BENCHLING_ID.test(canvasId) ? `${ENTRY_CANVASES_PREFIX}${entryId}/${canvasId}` : undefined;
}
