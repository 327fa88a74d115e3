import { linkTarget, type LinkTargets } from '../canvas/link-policy.ts';
import { escapeMarkdown } from '../canvas/markdown.ts';
import { entryLabel } from './entry-package-name.ts';
import type { FieldEntity, ResultsTable } from './entry-entities.ts';

/**
 * The documents a package carries besides the export: entry.json (also the package's
 * user_meta), README.md and links.json. They are pure functions of the entry, with no
 * timestamps of our own, so re-packaging an unchanged entry yields the same top hash.
 */
export interface EntryUser {
  id?: string | undefined;
  name?: string | undefined;
  handle?: string | undefined;
}

/** A hyperlink (`type: link`) has no id; Benchling promises neither field. */
export interface EntryLink {
  id?: string | undefined;
  type?: string | undefined;
  webURL?: string | undefined;
}

/** Only `id` is certain: Benchling's contract promises none of the rest (absent ones are null in entry.json). */
export interface EntryForPackage {
  id: string;
  displayId?: string | undefined;
  name?: string | undefined;
  webURL?: string | undefined;
  createdAt?: string | undefined;
  modifiedAt?: string | undefined;
  creator?: EntryUser | undefined;
  authors?: EntryUser[] | undefined;
  schema?: { id?: string | undefined; name?: string | undefined } | null | undefined;
  fields?: Record<string, { displayValue?: string | null | undefined; value?: unknown; type?: unknown }> | undefined;
  reviewRecord?: { status?: string | undefined } | null | undefined;
  /** Notes keep every key Benchling sent: a results table's identifiers are read from them. */
  days?: { notes?: ({ links?: EntryLink[] | undefined } & Record<string, unknown>)[] | undefined }[] | undefined;
}

export interface NamedLink {
  id: string | null;
  type: string | null;
  name: string | null;
  web_url: string | null;
}

const user = (u: EntryUser | undefined) => (u ? { id: u.id ?? null, name: u.name ?? null, handle: u.handle ?? null } : null);

export function entryMetadata(entry: EntryForPackage): Record<string, unknown> {
  const fields = Object.fromEntries(
    Object.entries(entry.fields ?? {}).map(([name, f]) => [name, f.displayValue ?? (f.value === undefined ? null : f.value)]),
  );
  return {
    entry_id: entry.id,
    display_id: entry.displayId ?? null,
    name: entry.name ?? null,
    web_url: entry.webURL ?? null,
    creator: user(entry.creator),
    authors: (entry.authors ?? []).map(user),
    created_at: entry.createdAt ?? null,
    modified_at: entry.modifiedAt ?? null,
    schema: entry.schema ? { id: entry.schema.id ?? null, name: entry.schema.name ?? null } : null,
    fields,
    review_status: entry.reviewRecord?.status ?? null,
  };
}

/**
 * Every object or URL the entry's notes link to, once each, in order of first appearance: an
 * object by its id, a hyperlink (which has none) by its URL. A link with neither points nowhere.
 */
export function entryLinks(entry: EntryForPackage): EntryLink[] {
  const seen = new Map<string, EntryLink>();
  for (const day of entry.days ?? []) {
    for (const note of day.notes ?? []) {
      for (const link of note.links ?? []) {
        const key = link.id !== undefined ? `id:${link.id}` : link.webURL !== undefined ? `url:${link.webURL}` : undefined;
        if (key !== undefined && !seen.has(key)) seen.set(key, link);
      }
    }
  }
  return [...seen.values()];
}

/** What links.json lists besides the note links (see entry-entities.ts). */
export interface EntryStructure {
  fieldEntities: FieldEntity[];
  resultsTables: ResultsTable[];
}

/**
 * In links.json `web_url` is a URL a reader may follow, so it is null unless it leads to the
 * tenant or the catalog (link-policy.ts); a URL refused that way is kept, as the text it is,
 * in `web_url_text`.
 */
function checkedUrl<T extends { web_url: string | null }>(item: T, targets: LinkTargets): T | (T & { web_url_text: string }) {
  if (item.web_url === null) return item;
  const url = linkTarget(item.web_url, targets);
  return url === undefined ? { ...item, web_url: null, web_url_text: item.web_url } : { ...item, web_url: url };
}

/**
 * links.json, schema version 2 (the earlier app's layout): `links` holds the note links as
 * they are (with their names); `entities` every object the entry refers to, once each by id
 * (a hyperlink by its URL), from its notes first and then its entity-valued fields, each
 * saying which; `results_tables` the entry's results tables. A field's entity has no URL
 * in the entry, so its `web_url` is null.
 */
export function linksDocument(links: NamedLink[], targets: LinkTargets, structure: EntryStructure = { fieldEntities: [], resultsTables: [] }): string {
  const checked = links.map((link) => checkedUrl(link, targets));
  const entities: Record<string, unknown>[] = checked.map((l) => ({ id: l.id, type: l.type, web_url: l.web_url, ...('web_url_text' in l ? { web_url_text: l.web_url_text } : {}), source: 'note_link' }));
  const known = new Set(links.flatMap((l) => (l.id === null ? [] : [l.id])));
  for (const e of structure.fieldEntities) {
    if (!known.has(e.id)) entities.push({ id: e.id, type: e.type, web_url: null, source: 'entity_field', field: e.field });
  }
  return `${JSON.stringify({ schema_version: 2, entities, links: checked, results_tables: structure.resultsTables }, null, 2)}\n`;
}

/** A link to where the policy allows, else the URL as escaped text that no renderer links. */
function urlLine(url: string, targets: LinkTargets): string {
  const target = linkTarget(url, targets);
  return target === undefined ? escapeMarkdown(url) : `<${target}>`;
}

/** What Benchling left out is left out here too. */
export function entryReadme(entry: EntryForPackage, links: NamedLink[], files: string[], targets: LinkTargets): string {
  const title = [entryLabel(entry), ...(entry.name ? [entry.name] : [])].map(escapeMarkdown).join(': ');
  const lines = [`# ${title}`, '', `Benchling notebook entry, packaged by benchling-webhook.`, ''];
  if (entry.webURL !== undefined) lines.push(`- Entry: ${urlLine(entry.webURL, targets)}`);
  if (entry.createdAt !== undefined) lines.push(`- Created: ${escapeMarkdown(entry.createdAt)}`);
  if (entry.modifiedAt !== undefined) lines.push(`- Modified: ${escapeMarkdown(entry.modifiedAt)}`);
  if (entry.creator?.name) lines.push(`- Creator: ${escapeMarkdown(entry.creator.name)}`);
  lines.push('', '## Files', '', ...files.map((f) => `- ${escapeMarkdown(f)}`));
  if (links.length > 0) {
    lines.push('', '## Linked Benchling objects', '');
    for (const link of links) {
      const type = link.type === null ? '' : ` (${escapeMarkdown(link.type)})`;
      lines.push(`- ${escapeMarkdown(link.name ?? link.id ?? link.web_url ?? '')}${type}`);
    }
  }
  lines.push('', '## Metadata files', '', ...METADATA_FILES.map(([file, what]) => `- ${escapeMarkdown(file)}: ${what}`));
  return `${lines.join('\n')}\n`;
}

/** What each of the app's own files holds, for a reader who finds them beside the export. */
const METADATA_FILES: [string, string][] = [
  ['entry.json', "the entry's facts; also the package's metadata"],
  ['entry_data.json', 'the entry as the Benchling API returned it'],
  ['links.json', 'the objects and results tables the entry refers to'],
  ['input.json', 'where the package came from'],
];
