/**
 * The canvas block types this app renders (reference/benchling-protocol.md §5.5). Only the
 * three it needs; the sandbox's schema checks them against what Benchling accepts.
 */
export interface MarkdownBlock {
  type: 'MARKDOWN';
  id: string;
  value: string;
}

export interface ButtonBlock {
  type: 'BUTTON';
  id: string;
  text: string;
  enabled: boolean;
}

/** A horizontal row; Benchling allows only leaf blocks inside. */
export interface SectionBlock {
  type: 'SECTION';
  id: string;
  children: ButtonBlock[];
}

export type CanvasBlock = MarkdownBlock | ButtonBlock | SectionBlock;

/** What every view returns: the full block list (a PATCH replaces it) and the hidden state. */
export interface CanvasView {
  blocks: CanvasBlock[];
  /** JSON string under CANVAS_DATA_LIMIT_BYTES; null when no state is known (clears it). */
  data: string | null;
}

export const markdownBlock = (id: string, lines: readonly string[]): MarkdownBlock => ({
  type: 'MARKDOWN',
  id,
  value: lines.join('\n'),
});

export const buttonBlock = (id: string, text: string, enabled = true): ButtonBlock => ({ type: 'BUTTON', id, text, enabled });

export const sectionBlock = (id: string, children: ButtonBlock[]): SectionBlock => ({ type: 'SECTION', id, children });
