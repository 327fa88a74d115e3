import type { CanvasBlock } from '../canvas-schema.ts';
import type { SandboxCanvas } from '../canvas-store.ts';
import { escapeHtml as esc, markdownHtml } from './markdown-html.ts';

/**
 * A canvas's blocks as HTML, laid out the way Benchling lays them out: blocks top to bottom, a
 * SECTION as one row, inputs with their labels. `enabled: false` on the canvas disables every
 * control; on a block, that block. Buttons carry the canvas and button ids the page's click
 * handler sends back.
 */

type Leaf = Exclude<CanvasBlock, { type: 'SECTION' } | { type: 'TABLE' }>;

const disabledAttr = (on: boolean) => (on ? '' : ' disabled');

function label(block: { label?: string | null | undefined }, control: string): string {
  return block.label ? `<label class="input"><span>${esc(block.label)}</span>${control}</label>` : `<label class="input">${control}</label>`;
}

function options(values: readonly string[], selected: ReadonlySet<string>, placeholder: string | null | undefined): string {
  const blank = placeholder ? `<option value="">${esc(placeholder)}</option>` : '';
  return blank + values.map((v) => `<option${selected.has(v) ? ' selected' : ''}>${esc(v)}</option>`).join('');
}

const selection = (value: string | readonly string[] | null | undefined) => new Set(value === null || value === undefined ? [] : typeof value === 'string' ? [value] : value);

function leafHtml(canvasId: string, block: Leaf, canvasEnabled: boolean): string {
  const on = canvasEnabled && !('enabled' in block && block.enabled === false);
  switch (block.type) {
    case 'MARKDOWN':
      return `<div class="markdown">${markdownHtml(block.value)}</div>`;
    case 'BUTTON':
      return `<button type="button" data-canvas="${esc(canvasId)}" data-button="${esc(block.id)}"${disabledAttr(on)}>${esc(block.text)}</button>`;
    case 'CHIP':
      return `<span class="chip">${esc(block.value)}</span>`;
    case 'TEXT_INPUT':
      return label(block, `<input type="text" value="${esc(block.value ?? '')}" placeholder="${esc(block.placeholder ?? '')}"${disabledAttr(on)}>`);
    case 'FILE_UPLOAD':
      return label(block, `<input type="file"${block.maxFiles === 1 ? '' : ' multiple'}${disabledAttr(on)}>`);
    case 'DROPDOWN':
    case 'DROPDOWN_MULTIVALUE': {
      const multiple = block.type === 'DROPDOWN_MULTIVALUE' ? ' multiple' : '';
      const values = [...selection(block.value)];
      return label(block, `<select data-dropdown="${esc(block.dropdownId)}"${multiple}${disabledAttr(on)}>${options(values, new Set(values), block.placeholder)}</select>`);
    }
    case 'SELECTOR_INPUT':
    case 'SELECTOR_INPUT_MULTIVALUE': {
      const multiple = block.type === 'SELECTOR_INPUT_MULTIVALUE' ? ' multiple' : '';
      return label(block, `<select${multiple}${disabledAttr(on)}>${options(block.options, selection(block.value), block.placeholder)}</select>`);
    }
    case 'SEARCH_INPUT':
    case 'SEARCH_INPUT_MULTIVALUE': {
      const value = [...selection(block.value)].join(', ');
      return label(block, `<input type="search" value="${esc(value)}" placeholder="${esc(block.placeholder ?? `Search ${block.itemType}`)}"${disabledAttr(on)}>`);
    }
  }
}

function blockHtml(canvasId: string, block: CanvasBlock, canvasEnabled: boolean): string {
  if (block.type === 'SECTION') return `<div class="section">${block.children.map((c) => leafHtml(canvasId, c, canvasEnabled)).join('')}</div>`;
  if (block.type === 'TABLE') {
    const source = block.source.type === 'DATASET' ? `dataset ${block.source.datasetId ?? '(none)'}` : `data frame ${block.source.dataFrameId ?? '(none)'}`;
    return `<table class="canvas-table"><caption>${esc(block.name)}</caption><tbody><tr><td>${esc(source)}</td></tr></tbody></table>`;
  }
  return leafHtml(canvasId, block, canvasEnabled);
}

export function canvasHtml(canvas: Pick<SandboxCanvas, 'id' | 'blocks' | 'enabled'>): string {
  if (canvas.blocks.length === 0) return '<p class="empty">The app has not drawn this canvas yet.</p>';
  return canvas.blocks.map((block) => blockHtml(canvas.id, block, canvas.enabled)).join('\n');
}
