import { linkTarget, type LinkTargets } from '../canvas/link-policy.ts';
import { escapeMarkdown } from '../canvas/markdown.ts';
import { entryLabel } from './entry-package-name.ts';

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
  fields?: Record<string, { displayValue?: string | null | undefined; value?: unknown }> | undefined;
  reviewRecord?: { status?: string | undefined } | null | undefined;
  days?: { notes?: { links?: EntryLink[] | undefined }[] | undefined }[] | undefined;
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

/**
 * In links.json `web_url` is a URL a reader may follow, so it is null unless it leads to the
 * tenant or the catalog (link-policy.ts); a URL refused that way is kept, as the text it is,
 * in `web_url_text`.
 */
export function linksDocument(links: NamedLink[], targets: LinkTargets): string {
  const checked = links.map((link) => {
    if (link.web_url === null) return link;
    const url = linkTarget(link.web_url, targets);
    return url === undefined ? { ...link, web_url: null, web_url_text: link.web_url } : { ...link, web_url: url };
  });
  return `${JSON.stringify({ version: 1, links: checked }, null, 2)}\n`;
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
  return `${lines.join('\n')}\n`;
}
