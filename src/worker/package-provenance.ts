/**
 * input.json and the commit message: where a package came from, in the earlier
 * Benchling→Quilt app's shape. Both are pure functions of the entry and the deployment, so
 * an unchanged entry keeps its top hash (the message is part of it). The earlier app also
 * stored the export's presigned download URL here; it is left out on purpose: for as long
 * as it lives it lets anyone holding the package download the entry's export without
 * Benchling credentials.
 */

export interface ProvenanceEntry {
  createdAt?: string | undefined;
  modifiedAt?: string | undefined;
}

export interface InputDocument {
  source: 'benchling_webhook';
  processing_timestamp: string;
  package_metadata: { name: string; registry: string; total_files: number };
}

/**
 * The event that brought the entry to the state packaged: `v2.entry.created` while it has
 * not been modified since it was created, else `v2.entry.updated`. Read from the entry, not
 * from the job, so every job of an unchanged entry writes the same message.
 */
export function entryEventType(entry: ProvenanceEntry): 'v2.entry.created' | 'v2.entry.updated' {
  return entry.modifiedAt === undefined || entry.modifiedAt === entry.createdAt ? 'v2.entry.created' : 'v2.entry.updated';
}

/** `Benchling {type} at {modifiedAt}`; without a modification time, `Benchling {type}`. */
export function commitMessage(entry: ProvenanceEntry): string {
  const type = entryEventType(entry);
  return entry.modifiedAt === undefined ? `Benchling ${type}` : `Benchling ${type} at ${entry.modifiedAt}`;
}

export function inputDocument(entry: ProvenanceEntry, pkg: { name: string; registry: string; totalFiles: number }): InputDocument {
  return {
    source: 'benchling_webhook',
    // The entry's modification time, not the clock: see the module comment.
    processing_timestamp: entry.modifiedAt ?? '',
    package_metadata: { name: pkg.name, registry: pkg.registry, total_files: pkg.totalFiles },
  };
}
