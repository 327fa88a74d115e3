import { z } from 'zod';
import type { CanvasState } from './inputs.ts';
import { MAX_DISPLAY_ID, MAX_ENTRY_NAME, MAX_LINKED_SHOWN } from './limits.ts';
import { plainText, truncateText } from './text.ts';

/**
 * The canvas `data` field: enough to re-render the main view and route clicks without
 * reading anything else. Benchling caps it below 5 KB, so encoding shortens or drops what
 * does not fit instead of failing.
 */

/** Strictly below this many bytes (reference §5.5: "smaller than 5 KB", read as 5000). */
export const CANVAS_DATA_LIMIT_BYTES = 5000;

const STATE_VERSION = 1;

const stateSchema = z.object({
  v: z.literal(STATE_VERSION),
  entry: z.object({ id: z.string().min(1), displayId: z.string(), name: z.string() }),
  package: z.object({ name: z.string(), topHash: z.string(), updatedAt: z.string() }).optional(),
  linked: z.array(z.string().min(1)),
  linkedOmitted: z.number().int().nonnegative().default(0),
});

const fits = (json: string) => Buffer.byteLength(json) < CANVAS_DATA_LIMIT_BYTES;
const serialise = (state: CanvasState) => JSON.stringify({ v: STATE_VERSION, ...state });

/** Distinct names that show as something, in the order given. */
export const visibleLinked = (names: readonly string[]) => [...new Set(names)].filter((name) => plainText(name) !== '');

/** Linked names are used in links, so each is kept whole or dropped (and counted). */
function keepLinkedThatFit(state: CanvasState): CanvasState {
  const all = visibleLinked(state.linked);
  const omittedBefore = state.linkedOmitted ?? 0;
  // The omitted count only shrinks as names are kept, so its full value bounds its size.
  let size = Buffer.byteLength(serialise({ ...state, linked: [], linkedOmitted: omittedBefore + all.length }));
  const kept: string[] = [];
  for (const name of all.slice(0, MAX_LINKED_SHOWN)) {
    const cost = Buffer.byteLength(JSON.stringify(name)) + (kept.length > 0 ? 1 : 0);
    if (size + cost >= CANVAS_DATA_LIMIT_BYTES) break;
    size += cost;
    kept.push(name);
  }
  return { ...state, linked: kept, linkedOmitted: omittedBefore + all.length - kept.length };
}

const shortenDisplay = (state: CanvasState): CanvasState => ({
  ...state,
  entry: { ...state.entry, displayId: truncateText(state.entry.displayId, MAX_DISPLAY_ID), name: truncateText(state.entry.name, MAX_ENTRY_NAME) },
});

/**
 * Always a JSON string under the limit. Display texts are capped, linked names kept while
 * they fit; only absurd ids drop the package, then everything (which parses as "no state").
 */
export function encodeCanvasState(state: CanvasState): string {
  const short = keepLinkedThatFit(shortenDisplay(state));
  const { package: _dropped, ...withoutPackage } = short;
  return [serialise(short), serialise(withoutPackage)].find(fits) ?? JSON.stringify({ v: STATE_VERSION });
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

/** The state from a canvas `data` field; undefined when absent, foreign or corrupt. Never throws. */
export function parseCanvasState(data: string | null | undefined): CanvasState | undefined {
  if (typeof data !== 'string') return undefined;
  const parsed = stateSchema.safeParse(parseJson(data));
  if (!parsed.success) return undefined;
  const { v: _version, ...state } = parsed.data;
  return state;
}
