import { markdownBlock, type CanvasBlock, type CanvasView } from './blocks.ts';
import { actionButton, buttonRow } from './buttons.ts';
import { formatTime, shortHash } from './format.ts';
import type { CanvasContext, CanvasState, PackageRevision } from './inputs.ts';
import { escapeMarkdown, markdownLink } from './markdown.ts';
import { MAX_BUTTON_TEXT, MAX_DISPLAY_ID, MAX_ENTRY_NAME, MAX_LINKED_BUTTONS, MAX_LINKED_SHOWN, MAX_PACKAGE_NAME } from './limits.ts';
import { encodeCanvasState, visibleLinked } from './state.ts';
import { plainText, truncateText } from './text.ts';
import { catalogHost, packageUrl, quiltUri, redirUrl } from './urls.ts';

/**
 * The main view of an entry and its "Updating…" twin: one layout, so the canvas does not jump
 * when a job is queued; while updating every button is disabled and the footer says why.
 */

type Mode = 'ready' | 'updating';

export function entryTitle(state: CanvasState): string {
  const title = plainText(state.entry.displayId) || plainText(state.entry.id) || 'Entry';
  return escapeMarkdown(truncateText(title, MAX_DISPLAY_ID));
}

function noCatalogNote(ctx: CanvasContext): string {
  return ctx.catalog === undefined
    ? '*No catalog links: no Quilt catalog is configured (`QUILT_CATALOG`).*'
    : '*No catalog links: the configured `QUILT_CATALOG` is not a host name.*';
}

function packageLines(ctx: CanvasContext, pkg: PackageRevision | undefined): string[] {
  if (pkg === undefined) return ['No package yet. Press **Update package** to create it.'];
  const catalog = catalogHost(ctx.catalog);
  const uri = quiltUri(ctx.bucket, pkg.name, catalog);
  if (catalog === undefined) {
    return [`- Package: ${escapeMarkdown(truncateText(pkg.name, MAX_PACKAGE_NAME))}`, `- Quilt sync: ${escapeMarkdown(uri)}`, '', noCatalogNote(ctx)];
  }
  return [
    `- Package: ${markdownLink(truncateText(pkg.name, MAX_PACKAGE_NAME), packageUrl(catalog, ctx.bucket, pkg.name))}`,
    `- Quilt sync: ${markdownLink(uri, redirUrl(catalog, uri))}`,
  ];
}

function headerLines(ctx: CanvasContext, state: CanvasState): string[] {
  const name = escapeMarkdown(truncateText(state.entry.name, MAX_ENTRY_NAME));
  return [`## ${entryTitle(state)}`, ...(name === '' ? [] : ['', name]), '', ...packageLines(ctx, state.package)];
}

function linkedLines(ctx: CanvasContext, state: CanvasState): string[] {
  const names = visibleLinked(state.linked);
  const shown = names.slice(0, MAX_LINKED_SHOWN);
  const more = names.length - shown.length + (state.linkedOmitted ?? 0);
  if (shown.length === 0 && more === 0) return [];
  const catalog = catalogHost(ctx.catalog);
  const item = (name: string) => {
    const label = truncateText(name, MAX_PACKAGE_NAME);
    return catalog === undefined ? escapeMarkdown(label) : markdownLink(label, packageUrl(catalog, ctx.bucket, name));
  };
  return ['### Linked packages', '', ...shown.map((name) => `- ${item(name)}`), ...(more > 0 ? [`- …and ${more} more`] : [])];
}

function footerLines(pkg: PackageRevision | undefined, mode: Mode): string[] {
  const time = pkg === undefined ? undefined : (formatTime(pkg.updatedAt) ?? 'at an unknown time');
  const revision = pkg === undefined ? '' : ` · revision ${escapeMarkdown(shortHash(pkg.topHash))}`;
  if (mode === 'updating') {
    const last = time === undefined ? [] : ['', `*Last updated ${time}${revision}*`];
    return ['⏳ **Updating…** The package is being rebuilt; this canvas refreshes when it is ready.', ...last];
  }
  return [time === undefined ? '*Not packaged yet*' : `*Updated ${time}${revision}*`];
}

function mainButtons(state: CanvasState, mode: Mode): CanvasBlock[] {
  const entryId = state.entry.id;
  const viewable = mode === 'ready' && state.package !== undefined;
  return buttonRow('main-buttons', [
    ...actionButton({ action: 'browse', entryId, page: 0 }, 'Browse files', viewable),
    ...actionButton({ action: 'metadata', entryId }, 'View metadata', viewable),
    ...actionButton({ action: 'update', entryId }, 'Update package', mode === 'ready'),
  ]);
}

function linkedBlocks(ctx: CanvasContext, state: CanvasState, mode: Mode): CanvasBlock[] {
  const lines = linkedLines(ctx, state);
  if (lines.length === 0) return [];
  const buttons = visibleLinked(state.linked)
    .slice(0, MAX_LINKED_BUTTONS)
    .flatMap((packageName) =>
      actionButton(
        { action: 'browse', entryId: state.entry.id, packageName, page: 0 },
        truncateText(`Browse ${plainText(packageName)}`, MAX_BUTTON_TEXT),
        mode === 'ready',
      ),
    );
  return [markdownBlock('linked', lines), ...buttonRow('linked-buttons', buttons)];
}

function entryView(ctx: CanvasContext, state: CanvasState, mode: Mode): CanvasView {
  return {
    blocks: [
      markdownBlock('main', headerLines(ctx, state)),
      ...mainButtons(state, mode),
      ...linkedBlocks(ctx, state, mode),
      markdownBlock('footer', footerLines(state.package, mode)),
    ],
    data: encodeCanvasState(state),
  };
}

/** The entry, its package and sync links, linked packages, and when it was last packaged. */
export const mainView = (ctx: CanvasContext, state: CanvasState): CanvasView => entryView(ctx, state, 'ready');

/** Shown at once when a packaging job is queued for the entry. */
export const updatingView = (ctx: CanvasContext, state: CanvasState): CanvasView => entryView(ctx, state, 'updating');
