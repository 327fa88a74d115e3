import { entryMetadata, type EntryForPackage, type EntryUser, type NamedLink } from './entry-documents.ts';

/**
 * entry.json — also the package's user_meta — as a superset of what the earlier
 * Benchling→Quilt app wrote, so catalog searches and queries over its packages keep working
 * on these. Like every document of a package it is a pure function of the entry and the
 * deployment: nothing that differs from one event to the next (the webhook message, a clock
 * reading) goes in, or re-packaging an unchanged entry would add a revision.
 */
export interface EntryJsonContext {
  packageName: string;
  /** The tenant base the entry was read from (`https://acme.benchling.com`). */
  benchlingBaseUrl: string;
  /** The exported files: logical key → the object key it is stored under, and its size. */
  files: { logicalKey: string; key: string; size: number }[];
  links: NamedLink[];
  /** The entry's canvas, when one is known; the key is left out otherwise (never null). */
  canvasId?: string | undefined;
}

/** `Name <handle@userId>`, the earlier app's one-string form of a user; '' when Benchling named nobody. */
export function userLine(user: EntryUser | undefined): string {
  if (!user || (!user.name && !user.handle && !user.id)) return '';
  return `${user.name ?? ''} <${user.handle ?? ''}@${user.id ?? ''}>`;
}

export function entryJson(entry: EntryForPackage, context: EntryJsonContext): Record<string, unknown> {
  const base = entryMetadata(entry);
  return {
    package_name: context.packageName,
    ...base,
    creator: userLine(entry.creator),
    creator_user: base.creator,
    // The moment the exported state was reached: a clock reading would change with every job.
    export_timestamp: entry.modifiedAt ?? '',
    benchling_base_url: context.benchlingBaseUrl,
    // Jobs carry ids only, and a message differs per event: see docs/package-layout.md.
    webhook_data: null,
    files: Object.fromEntries(context.files.map((f) => [f.logicalKey, { s3_key: f.key, size: f.size }])),
    ...(context.canvasId === undefined ? {} : { canvas_id: context.canvasId }),
    links: context.links.map((l) => ({ type: l.type, id: l.id, name: l.name, slug: null })),
  };
}

/** entry_data.json: the entry as Benchling's API returned it, with snake_case copies of the keys people query by. */
export function entryData(entry: EntryForPackage & Record<string, unknown>): Record<string, unknown> {
  return {
    ...entry,
    entry_id: entry.id,
    display_id: entry.displayId ?? null,
    web_url: entry.webURL ?? null,
    created_at: entry.createdAt ?? null,
    modified_at: entry.modifiedAt ?? null,
  };
}
