import type { CanvasView } from './blocks.ts';
import type { ButtonAction, ButtonDecodeResult } from './button-id.ts';
import { mainView, updatingView } from './entry-view.ts';
import { errorView, type CanvasProblem } from './error-view.ts';
import type { CanvasContext, CanvasState } from './inputs.ts';
import { parseCanvasState } from './state.ts';

/**
 * What a click asks for. Views that need nothing beyond the canvas come back rendered; file
 * and metadata views name the package the caller must read first; only an Update button
 * re-queues, so an unknown or malformed id can never start an export.
 */
export type ButtonRoute =
  | { kind: 'render'; view: CanvasView }
  | { kind: 'browse'; state: CanvasState; packageName: string; page: number }
  | { kind: 'metadata'; state: CanvasState; packageName: string }
  /** Queue a packaging job for entryId, then show `view` (the "Updating…" view). */
  | { kind: 'requeue'; entryId: string; view: CanvasView };

/** The fields of `GET /app-canvases/{id}` the router reads. */
export interface CanvasSnapshot {
  resourceId: string;
  data: string | null | undefined;
}

/** The state a canvas's `data` holds for its own entry: one written for another resource is not this canvas's. */
export function canvasStateOf(canvas: CanvasSnapshot): CanvasState | undefined {
  const state = parseCanvasState(canvas.data);
  return state?.entry.id === canvas.resourceId ? state : undefined;
}

const fail = (entryId: string, state: CanvasState | undefined, problem: CanvasProblem): ButtonRoute => ({
  kind: 'render',
  view: errorView(state === undefined ? { entryId, problem } : { entryId, state, problem }),
});

/**
 * Without saved state the Updating view still shows whom it is for, but writes no state: a
 * bare one would later read as "not packaged yet", which may be false.
 */
function updatingWithout(ctx: CanvasContext, entryId: string): CanvasView {
  const bare: CanvasState = { entry: { id: entryId, displayId: '', name: '' }, linked: [] };
  return { ...updatingView(ctx, bare), data: null };
}

type Target = { ok: true; packageName: string } | { ok: false; problem: CanvasProblem };

/** The package a browse or metadata button means, if the state vouches for it. */
function targetOf(packageName: string | undefined, state: CanvasState): Target {
  if (packageName === undefined) {
    return state.package === undefined ? { ok: false, problem: 'package-missing' } : { ok: true, packageName: state.package.name };
  }
  // Ids come back only from blocks this app drew, so a name the state does not list is foreign.
  return state.linked.includes(packageName) ? { ok: true, packageName } : { ok: false, problem: 'button-unknown' };
}

export function viewForButton(decoded: ButtonDecodeResult, canvas: CanvasSnapshot, ctx: CanvasContext): ButtonRoute {
  const state = canvasStateOf(canvas);
  if (!decoded.ok) return fail(canvas.resourceId, state, 'button-unknown');
  return routeButton(decoded.button, canvas.resourceId, state, ctx);
}

/**
 * Where an action leads on the canvas of `entryId`, given the state that vouches for its
 * targets (the canvas's own, or one the caller rebuilt for a canvas another app drew).
 */
export function routeButton(button: ButtonAction, entryId: string, state: CanvasState | undefined, ctx: CanvasContext): ButtonRoute {
  if (button.entryId !== entryId) return fail(entryId, state, 'button-other-entry');
  if (button.action === 'update') {
    return { kind: 'requeue', entryId, view: state === undefined ? updatingWithout(ctx, entryId) : updatingView(ctx, state) };
  }
  if (state === undefined) return fail(entryId, state, 'state-missing');
  if (button.action === 'back') return { kind: 'render', view: mainView(ctx, state) };
  const target = targetOf(button.packageName, state);
  if (!target.ok) return fail(entryId, state, target.problem);
  const { packageName } = target;
  return button.action === 'browse' ? { kind: 'browse', state, packageName, page: button.page } : { kind: 'metadata', state, packageName };
}
