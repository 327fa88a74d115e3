import { markdownBlock, type CanvasView } from './blocks.ts';
import { actionButton, buttonRow, packageTarget } from './buttons.ts';
import type { CanvasState, PackageMetadata } from './inputs.ts';
import { MAX_PACKAGE_NAME } from './limits.ts';
import { escapeMarkdown } from './markdown.ts';
import { metadataLines } from './metadata-markdown.ts';
import { encodeCanvasState } from './state.ts';
import { truncateText } from './text.ts';

/** A package's metadata, with the way to its files and back to the entry. */
export function metadataView(state: CanvasState, meta: PackageMetadata): CanvasView {
  const target = packageTarget(state, meta.name);
  const heading = target.packageName === undefined ? 'Metadata of' : 'Metadata of linked package';
  return {
    blocks: [
      markdownBlock('metadata', [`## ${heading} ${escapeMarkdown(truncateText(meta.name, MAX_PACKAGE_NAME))}`, '', ...metadataLines(meta.userMeta)]),
      ...buttonRow('metadata-buttons', [
        ...actionButton({ action: 'browse', ...target, page: 0 }, 'Browse files'),
        ...actionButton({ action: 'back', entryId: target.entryId }, 'Back to entry'),
      ]),
    ],
    data: encodeCanvasState(state),
  };
}
