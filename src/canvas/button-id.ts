import { wellFormed } from './text.ts';

/**
 * The one button-id codec. A click reaches the app only as `buttonId` (and the canvas id), so
 * the id carries the action and its target:
 *
 *   q1.<action>.<entryId>[.<packageName>][.<page>]
 *
 * `q1` is the format version; the action is one letter; entry id and package name are
 * base64url of their UTF-8 (no `.` in that alphabet, so splitting on `.` is unambiguous for
 * any text); the page is a canonical decimal. Decoding never throws and accepts only ids this
 * encoder can produce.
 */

export type ButtonAction =
  /** File browser of the entry's package, or of a linked package when packageName is set. */
  | { action: 'browse'; entryId: string; packageName?: string; page: number }
  | { action: 'metadata'; entryId: string; packageName?: string }
  /** Back to the main view. */
  | { action: 'back'; entryId: string }
  /** Re-package the entry. */
  | { action: 'update'; entryId: string };

export type ButtonActionName = ButtonAction['action'];

export type ButtonIdError = 'not-ours' | 'unknown-version' | 'unknown-action' | 'malformed';

export type ButtonDecodeResult = { ok: true; button: ButtonAction } | { ok: false; error: ButtonIdError };

export const BUTTON_ID_VERSION = 'q1';
/** Bounds on the encoded fields, so every id stays short enough to be a block id. */
export const MAX_BUTTON_FIELD_BYTES = 256;
export const MAX_BUTTON_PAGE = 99_999;

const LETTER: Record<ButtonActionName, string> = { browse: 'b', metadata: 'm', back: 'h', update: 'u' };
const ACTION_BY_LETTER = new Map(Object.entries(LETTER).map(([action, letter]) => [letter, action as ButtonActionName]));

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const CANONICAL_PAGE = /^(?:0|[1-9]\d{0,4})$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether a text can be an entry id or package name inside a button id. */
export function fitsButtonField(text: string): boolean {
  return text.length > 0 && Buffer.byteLength(text) <= MAX_BUTTON_FIELD_BYTES && wellFormed(text) === text;
}

const encodeField = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

const validPage = (page: number) => Number.isInteger(page) && page >= 0 && page <= MAX_BUTTON_PAGE;

/** The id, or undefined when a field is empty, too long or not well-formed text. */
export function tryEncodeButtonId(button: ButtonAction): string | undefined {
  const packageName = button.action === 'browse' || button.action === 'metadata' ? button.packageName : undefined;
  const page = button.action === 'browse' ? button.page : undefined;
  if (!fitsButtonField(button.entryId) || (packageName !== undefined && !fitsButtonField(packageName))) return undefined;
  if (page !== undefined && !validPage(page)) return undefined;
  const fields = [button.entryId, ...(packageName === undefined ? [] : [packageName])].map(encodeField);
  return [BUTTON_ID_VERSION, LETTER[button.action], ...fields, ...(page === undefined ? [] : [String(page)])].join('.');
}

/** Throws RangeError on out-of-contract input (a programming error, not user input). */
export function encodeButtonId(button: ButtonAction): string {
  const id = tryEncodeButtonId(button);
  if (id === undefined) throw new RangeError(`button id fields must be 1..${MAX_BUTTON_FIELD_BYTES} UTF-8 bytes, page 0..${MAX_BUTTON_PAGE}`);
  return id;
}

/** Only the exact encoding of a valid field decodes: no padding, no stray bits, valid UTF-8. */
function decodeField(segment: string): string | undefined {
  if (!BASE64URL.test(segment)) return undefined;
  const bytes = Buffer.from(segment, 'base64url');
  if (bytes.toString('base64url') !== segment) return undefined;
  try {
    const text = strictUtf8.decode(bytes);
    return fitsButtonField(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

const decodePage = (segment: string) => (CANONICAL_PAGE.test(segment) ? Number(segment) : undefined);

const malformed: ButtonDecodeResult = { ok: false, error: 'malformed' };
const decoded = (button: ButtonAction): ButtonDecodeResult => ({ ok: true, button });

/** Splits off the trailing page of a browse id; other actions have none. */
function splitPage(action: ButtonActionName, fields: string[]): { targets: string[]; page: number | undefined } | undefined {
  if (action !== 'browse') return { targets: fields, page: undefined };
  const page = decodePage(fields.at(-1) ?? '');
  return page === undefined ? undefined : { targets: fields.slice(0, -1), page };
}

function decodeFields(action: ButtonActionName, fields: string[]): ButtonDecodeResult {
  const split = splitPage(action, fields);
  const maxTargets = action === 'back' || action === 'update' ? 1 : 2;
  if (split === undefined || split.targets.length === 0 || split.targets.length > maxTargets) return malformed;
  const [entryId, packageName] = split.targets.map(decodeField);
  if (entryId === undefined || (split.targets.length === 2 && packageName === undefined)) return malformed;
  const target = packageName === undefined ? { entryId } : { entryId, packageName };
  switch (action) {
    case 'browse':
      return decoded({ action, ...target, page: split.page ?? 0 });
    case 'metadata':
      return decoded({ action, ...target });
    default:
      return decoded({ action, entryId });
  }
}

export function decodeButtonId(id: unknown): ButtonDecodeResult {
  if (typeof id !== 'string') return malformed;
  const [version, letter, ...fields] = id.split('.');
  if (version !== BUTTON_ID_VERSION) return { ok: false, error: /^q\d+$/.test(version ?? '') ? 'unknown-version' : 'not-ours' };
  const action = letter === undefined ? undefined : ACTION_BY_LETTER.get(letter);
  if (action === undefined) return { ok: false, error: letter === undefined ? 'malformed' : 'unknown-action' };
  return decodeFields(action, fields);
}
