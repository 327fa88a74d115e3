import type { CanvasBlock, CanvasView } from '../../src/canvas/blocks.ts';
import type { CanvasContext, CanvasState, PackageFile } from '../../src/canvas/inputs.ts';

export const CATALOG = 'catalog.example.com';
export const ctx: CanvasContext = { bucket: 'quilt-bucket', catalog: CATALOG };
export const noCatalog: CanvasContext = { bucket: 'quilt-bucket', catalog: undefined };

export const ENTRY_ID = 'etr_Ab12Cd34';
export const PACKAGE = 'benchling/EXP00001234';

export const state: CanvasState = {
  entry: { id: ENTRY_ID, displayId: 'EXP00001234', name: 'Growth curve, run 2' },
  package: { name: PACKAGE, topHash: 'c0ffee'.repeat(10) + 'abcd', updatedAt: '2025-03-01T10:20:30Z' },
  linked: ['team/assay-7', 'team/plate-reader'],
};

export const unpackaged: CanvasState = { entry: state.entry, linked: [] };

export const files = (count: number): PackageFile[] =>
  Array.from({ length: count }, (_, i) => ({ logicalKey: `data/sample-${String(i + 1).padStart(2, '0')}.csv`, size: 1000 * (i + 1) }));

export const markdownOf = (view: CanvasView) => view.blocks.flatMap((block) => (block.type === 'MARKDOWN' ? [block.value] : [])).join('\n');

/** Every button in the view, in order, with the section it sits in. */
export const buttonsOf = (view: CanvasView) =>
  view.blocks.flatMap((block: CanvasBlock) => (block.type === 'SECTION' ? block.children : block.type === 'BUTTON' ? [block] : []));

export const layout = (view: CanvasView) => view.blocks.map((block) => `${block.type}:${block.id}`);
