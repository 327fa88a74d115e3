import { markdownBlock, type CanvasView } from './blocks.ts';
import { actionButton, buttonRow, packageTarget } from './buttons.ts';
import { formatBytes } from './format.ts';
import type { CanvasContext, CanvasState, PackageFile, PackageListing } from './inputs.ts';
import { MAX_LOGICAL_KEY, MAX_PACKAGE_NAME } from './limits.ts';
import { escapeMarkdown, markdownLink } from './markdown.ts';
import { encodeCanvasState } from './state.ts';
import { truncateText } from './text.ts';
import { catalogHost, fileUrl } from './urls.ts';

/** The file browser: one page of a package's files, newest revision's catalog links. */

export const FILES_PER_PAGE = 15;

export const pageCount = (fileCount: number) => Math.max(1, Math.ceil(fileCount / FILES_PER_PAGE));

/** A page out of range (a stale button after the package shrank) shows the nearest one. */
export const clampPage = (page: number, fileCount: number) =>
  Math.min(Math.max(0, Number.isFinite(page) ? Math.trunc(page) : 0), pageCount(fileCount) - 1);

// Natural order (`run 2` before `run 10`), then code units so equal-collating keys stay stable.
const collator = new Intl.Collator('en', { numeric: true });
const byKey = (a: PackageFile, b: PackageFile) =>
  collator.compare(a.logicalKey, b.logicalKey) || (a.logicalKey < b.logicalKey ? -1 : a.logicalKey > b.logicalKey ? 1 : 0);

function fileLine(ctx: CanvasContext, catalog: string | undefined, packageName: string, file: PackageFile): string {
  const key = truncateText(file.logicalKey, MAX_LOGICAL_KEY);
  const shown = catalog === undefined ? escapeMarkdown(key) : markdownLink(key, fileUrl(catalog, ctx.bucket, packageName, file.logicalKey));
  return `- ${shown} · ${formatBytes(file.size)}`;
}

function listingLines(ctx: CanvasContext, state: CanvasState, listing: PackageListing, page: number): string[] {
  const catalog = catalogHost(ctx.catalog);
  const files = [...listing.files].sort(byKey);
  const shown = files.slice(page * FILES_PER_PAGE, (page + 1) * FILES_PER_PAGE);
  const heading = packageTarget(state, listing.name).packageName === undefined ? 'Files in' : 'Files in linked package';
  const first = page * FILES_PER_PAGE + 1;
  const range = files.length === 0 ? 'no files' : `files ${first}–${first + shown.length - 1} of ${files.length}`;
  return [
    `## ${heading} ${escapeMarkdown(truncateText(listing.name, MAX_PACKAGE_NAME))}`,
    '',
    `Page ${page + 1} of ${pageCount(files.length)} · ${range}`,
    '',
    ...(files.length === 0 ? ['This package has no files.'] : shown.map((file) => fileLine(ctx, catalog, listing.name, file))),
  ];
}

/** `page` is 0-based, as in the button ids. */
export function browseView(ctx: CanvasContext, state: CanvasState, listing: PackageListing, page: number): CanvasView {
  const current = clampPage(page, listing.files.length);
  const last = pageCount(listing.files.length) - 1;
  const target = packageTarget(state, listing.name);
  const buttons = [
    ...(current > 0 ? actionButton({ action: 'browse', ...target, page: current - 1 }, 'Previous page') : []),
    ...(current < last ? actionButton({ action: 'browse', ...target, page: current + 1 }, 'Next page') : []),
    ...actionButton({ action: 'metadata', ...target }, 'View metadata'),
    ...actionButton({ action: 'back', entryId: target.entryId }, 'Back to entry'),
  ];
  return {
    blocks: [markdownBlock('browse', listingLines(ctx, state, listing, current)), ...buttonRow('browse-buttons', buttons)],
    data: encodeCanvasState(state),
  };
}
