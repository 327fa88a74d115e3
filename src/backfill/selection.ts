import type { BenchlingEntry } from '../benchling/api-schemas.ts';
import { BENCHLING_ID_RULE, isBenchlingId } from '../benchling/benchling-id.ts';
import type { EntryListQuery } from '../benchling/benchling-client.ts';
import { UsageError } from '../errors/app-error.ts';

/** Which existing entries a backfill packages; none of the fields set means every entry the app can read. */
export interface BackfillSelection {
  /** Only entries modified after this instant (ISO 8601). */
  since?: string | undefined;
  projectId?: string | undefined;
  /** Benchling's list has no folder filter: entries are listed and kept when their folderId matches. */
  folderId?: string | undefined;
  schemaId?: string | undefined;
  entryIds?: readonly string[] | undefined;
}

export interface SelectionFlags {
  since?: string | undefined;
  project?: string | undefined;
  folder?: string | undefined;
  schema?: string | undefined;
  entry?: readonly string[] | undefined;
}

function checkedId(flag: string, id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  if (!isBenchlingId(id)) throw new UsageError('BACKFILL_ID_INVALID', `${flag} ${JSON.stringify(String(id).slice(0, 80))} is not a Benchling id: ${BENCHLING_ID_RULE}`);
  return id;
}

/** A date (2024-01-01) or a full RFC 3339 time, as the instant it names. */
function checkedSince(since: string | undefined): string | undefined {
  if (since === undefined) return undefined;
  const plainDate = /^\d{4}-\d{2}-\d{2}$/.test(since);
  const at = plainDate || /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(since) ? Date.parse(since) : NaN;
  if (Number.isNaN(at)) throw new UsageError('BACKFILL_SINCE_INVALID', `--since takes a date such as 2024-01-01 or a time such as 2024-01-01T12:00:00Z, not ${JSON.stringify(since.slice(0, 80))}`);
  return new Date(at).toISOString();
}

/** The command line's selection flags, each checked, or a usage error naming the flag. */
export function parseSelection(flags: SelectionFlags): BackfillSelection {
  const entryIds = (flags.entry ?? []).flatMap((list) => list.split(',')).map((id) => id.trim()).filter((id) => id !== '');
  return {
    since: checkedSince(flags.since),
    projectId: checkedId('--project', flags.project),
    folderId: checkedId('--folder', flags.folder),
    schemaId: checkedId('--schema', flags.schema),
    entryIds: entryIds.length > 0 ? entryIds.map((id) => checkedId('--entry', id)!) : undefined,
  };
}

/**
 * The list query that reads the selection from `after` on (the checkpoint's position), oldest
 * first, so that a position is a point in time every later page lies beyond. The bound is
 * one millisecond before the position: Benchling's `>` is strict, and entries modified in
 * that same millisecond but not yet reached must still come back (those already handled are
 * skipped by the caller).
 */
export function listQuery(selection: BackfillSelection, after: string | undefined, pageSize: number): EntryListQuery {
  const fromPosition = after === undefined ? undefined : new Date(Date.parse(after) - 1).toISOString();
  const bounds = [selection.since, fromPosition].filter((b): b is string => b !== undefined);
  const lower = bounds.sort().at(-1);
  return {
    pageSize,
    sort: 'modifiedAt:asc',
    modifiedAt: lower === undefined ? undefined : `> ${lower}`,
    projectId: selection.projectId,
    schemaId: selection.schemaId,
    ids: selection.entryIds,
  };
}

/** What the list query cannot ask for is checked on each listed entry. */
export function isSelected(entry: BenchlingEntry, selection: BackfillSelection): boolean {
  if (selection.folderId === undefined) return true;
  return (entry as { folderId?: unknown }).folderId === selection.folderId;
}

/** A stable name for a selection, under which the checkpoint keeps its listing position. */
export function selectionKey(selection: BackfillSelection): string {
  const parts = [
    selection.since && `since=${selection.since}`,
    selection.projectId && `project=${selection.projectId}`,
    selection.folderId && `folder=${selection.folderId}`,
    selection.schemaId && `schema=${selection.schemaId}`,
    selection.entryIds && `entries=${[...selection.entryIds].sort().join(',')}`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : 'all';
}
