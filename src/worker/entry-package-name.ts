import { isPackageName } from '../quilt/package-name.ts';

/**
 * The package an entry is written to: `<prefix>/<displayId>`, the name people know the entry
 * by. Benchling's contract does not promise a display id, and one could hold characters a
 * package name may not: then the package is named by the entry id, as the earlier app named
 * such packages. The choice depends on the entry alone, so every job of an entry writes the
 * same package.
 */
export function entryPackageName(prefix: string, entry: { id: string; displayId?: string | undefined }): string {
  const byDisplayId = `${prefix}/${entry.displayId}`;
  return entry.displayId !== undefined && isPackageName(byDisplayId) ? byDisplayId : `${prefix}/${entry.id}`;
}

/** How documents and messages name the entry: its display id, else its id. */
export function entryLabel(entry: { id: string; displayId?: string | undefined }): string {
  return entry.displayId || entry.id;
}
