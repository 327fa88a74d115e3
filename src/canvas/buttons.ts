import { buttonBlock, sectionBlock, type ButtonBlock, type SectionBlock } from './blocks.ts';
import { tryEncodeButtonId, type ButtonAction } from './button-id.ts';
import type { CanvasState } from './inputs.ts';

/**
 * A button for an action, as a list of zero or one so rows can spread it: an action whose id
 * cannot be encoded (an absurd entry id or package name) is left out, never a thrown render.
 */
export function actionButton(action: ButtonAction, text: string, enabled = true): ButtonBlock[] {
  const id = tryEncodeButtonId(action);
  return id === undefined ? [] : [buttonBlock(id, text, enabled)];
}

/** A row of buttons; an empty row is left out. */
export function buttonRow(id: string, buttons: ButtonBlock[]): SectionBlock[] {
  return buttons.length === 0 ? [] : [sectionBlock(id, buttons)];
}

/**
 * Whom a browse or metadata button targets: the entry's own package is implied by the
 * canvas state, so only a linked package's name goes into the id.
 */
export function packageTarget(state: CanvasState, packageName: string): { entryId: string; packageName?: string } {
  const entryId = state.entry.id;
  return packageName === state.package?.name ? { entryId } : { entryId, packageName };
}
