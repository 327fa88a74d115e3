import type { BenchlingCanvas } from '../benchling/api-schemas.ts';
import { isBenchlingId } from '../benchling/benchling-id.ts';

/**
 * Which entry a canvas shows is decided by Benchling's own record of the canvas (`GET` or
 * `POST /app-canvases`), never by a message about it: a `v2.canvas.created` naming entry B
 * for a canvas that sits in entry A would otherwise make A's canvas show B's package. And the
 * app writes only its own canvases. A CanvasBinding is the proof of both, and the only thing
 * the worker will PATCH.
 */
export interface CanvasBinding {
  readonly canvasId: string;
  /** The entry the canvas is in, as Benchling's record of the canvas says. */
  readonly entryId: string;
  /** This app's id, which the record named as the canvas's app. */
  readonly appId: string;
}

export type BindingVerdict =
  | { ok: true; binding: CanvasBinding }
  /** `final`: no later read can change the answer (another app's canvas, or one on no entry). */
  | { ok: false; reason: string; final: boolean };

/** The app ids the worker knows are its own, in order: the job's (from the signed envelope), the configured one. */
export function thisAppId(...candidates: (string | undefined)[]): string | undefined {
  return candidates.find(isBenchlingId);
}

export function bindingOf(record: Pick<BenchlingCanvas, 'id' | 'app' | 'resourceId'>, appId: string | undefined): BindingVerdict {
  if (!isBenchlingId(record.id)) return { ok: false, reason: 'Benchling named the canvas with something that is not an id', final: true };
  if (appId === undefined) return { ok: false, reason: 'this app’s own id is not known yet, so whose canvas it is cannot be checked', final: false };
  const owner = record.app?.id;
  if (owner !== appId) return { ok: false, reason: `the canvas belongs to ${owner === undefined ? 'no app' : `another app (${owner})`}, not to this app (${appId})`, final: true };
  if (!isBenchlingId(record.resourceId)) return { ok: false, reason: 'the canvas is not in an entry (its resourceId is not an id)', final: true };
  return { ok: true, binding: { canvasId: record.id, entryId: record.resourceId, appId } };
}
