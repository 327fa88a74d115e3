import { isBenchlingId } from '../benchling/benchling-id.ts';
import type { Logger } from '../log/logger.ts';
import { APP_KEYS_PREFIX } from '../storage/app-keys.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import type { CanvasBinding } from './canvas-binding.ts';

/**
 * Which canvases show which entry, kept in the registry rather than in memory: Benchling has
 * no "canvases of an entry" call, and on AWS the canvas may have been drawn by another worker
 * task or before the last deploy. One small object per pair, so two workers adding canvases
 * to one entry never overwrite each other; it holds the app id the canvas was checked to
 * belong to, so a worker that has not yet seen a job of this app can still check a redraw.
 */
export const ENTRY_CANVASES_PREFIX = `${APP_KEYS_PREFIX}canvases/`;

/** Pairs this process has written, so a canvas clicked all day costs one put, not one per click. */
const MAX_WRITTEN = 10_000;

/** A canvas recorded for an entry. */
export interface RecordedCanvas {
  canvasId: string;
  /** Undefined for a pair recorded before app ids were kept (its object is empty). */
  appId: string | undefined;
}

export type EntryCanvasStore = Pick<ObjectStore, 'putObject' | 'getObject' | 'listKeys' | 'delete'>;

export class EntryCanvases {
  private readonly written = new Set<string>();

  constructor(
    private readonly store: EntryCanvasStore,
    private readonly log: Logger,
  ) {}

  /** Records a checked pair; a failed write is logged, never thrown: only a later redraw is lost. */
  async add(binding: CanvasBinding): Promise<void> {
    const { entryId, canvasId, appId } = binding;
    const key = pairKey(entryId, canvasId);
    if (key === undefined || !isBenchlingId(appId) || this.written.has(key)) return;
    try {
      await this.store.putObject(key, appId);
    } catch (err) {
      this.log.warn({ err, entryId, canvasId }, 'could not record the canvas of this entry; later edits will not redraw it');
      return;
    }
    if (this.written.size >= MAX_WRITTEN) this.written.clear();
    this.written.add(key);
  }

  /** The canvases recorded for the entry, from any process; throws when the registry cannot be read. */
  async of(entryId: string): Promise<RecordedCanvas[]> {
    if (!isBenchlingId(entryId)) return [];
    const prefix = `${ENTRY_CANVASES_PREFIX}${entryId}/`;
    const recorded: RecordedCanvas[] = [];
    for await (const key of this.store.listKeys(prefix)) {
      const canvasId = key.slice(prefix.length);
      if (!isBenchlingId(canvasId)) continue;
      const body = (await this.store.getObject(key))?.toString('utf8');
      recorded.push({ canvasId, appId: isBenchlingId(body) ? body : undefined });
    }
    return recorded;
  }

  /** For a canvas Benchling no longer has, or that is no longer this entry's: later edits stop trying to redraw it. */
  async remove(entryId: string, canvasId: string): Promise<void> {
    const key = pairKey(entryId, canvasId);
    if (key === undefined) return;
    this.written.delete(key);
    await this.store.delete(key);
  }
}

function pairKey(entryId: string, canvasId: string): string | undefined {
  return isBenchlingId(entryId) && isBenchlingId(canvasId) ? `${ENTRY_CANVASES_PREFIX}${entryId}/${canvasId}` : undefined;
}
