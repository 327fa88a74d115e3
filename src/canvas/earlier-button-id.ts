import { MAX_BUTTON_PAGE, type ButtonAction } from './button-id.ts';
import { FILES_PER_PAGE } from './browse-view.ts';

/**
 * The button ids of the app this project replaces. Canvases it drew stay in notebooks after
 * the switch, and a click on one of their buttons reaches this app; instead of an error, the
 * click is taken over: it is read as the nearest action of ours, and the canvas is redrawn in
 * this app's views (which carry this app's own button ids from then on).
 *
 * Its ids are dash-joined text, for example
 *
 *   browse-files-{entryId}-p{page}-s{pageSize}
 *   browse-linked-{entryId}-pkg-{packageName with "/" as "--"}-p{page}-s{pageSize}
 *   update-package-{entryId}
 *
 * Both the entry id and a package name may hold dashes, so the format is ambiguous: `--`
 * stands for `/` but a name may hold `--` itself. A linked package is therefore not decoded
 * into a name here; it is kept encoded and matched against the packages this app knows are
 * linked (earlierLinkedEncoding), which is exact whenever only one of them fits.
 */

type Target = 'browse' | 'metadata' | 'back' | 'update';

/** What an earlier button asked for; `main` is one whose rest could not be read. */
export type EarlierButton =
  | { action: 'browse'; entryId: string; page: number; pageSize: number; linked?: string }
  | { action: 'metadata'; entryId: string; linked?: string }
  | { action: 'back'; entryId: string }
  | { action: 'update'; entryId: string }
  | { action: 'main'; entryId: string };

export type EarlierDecodeResult = { ok: true; button: EarlierButton } | { ok: false };

interface Prefix {
  prefix: string;
  target: Target;
  linked: boolean;
}

/** Longest first, so `next-page-linked-` is never read as `next-page-`. */
const PREFIXES: readonly Prefix[] = [
  { prefix: 'view-metadata-linked-', target: 'metadata', linked: true },
  { prefix: 'next-page-linked-', target: 'browse', linked: true },
  { prefix: 'prev-page-linked-', target: 'browse', linked: true },
  { prefix: 'back-to-package-', target: 'back', linked: false },
  { prefix: 'browse-linked-', target: 'browse', linked: true },
  { prefix: 'update-package-', target: 'update', linked: false },
  { prefix: 'view-metadata-', target: 'metadata', linked: false },
  { prefix: 'browse-files-', target: 'browse', linked: false },
  { prefix: 'next-page-', target: 'browse', linked: false },
  { prefix: 'prev-page-', target: 'browse', linked: false },
];

/** Page and page size as the earlier app wrote them; greedy, so the last `-p…-s…` counts. */
const PAGED = /^(.+)-p(\d{1,9})-s(\d{1,9})$/s;
const LINKED = /^(.+?)-pkg-(.+)$/s;
/** Canvas ids and block ids are short; anything longer was not drawn by the earlier app. */
const MAX_EARLIER_ID_LENGTH = 2000;

/** How the earlier app wrote a package name into an id. */
export const earlierLinkedEncoding = (packageName: string) => packageName.replaceAll('/', '--');

/** The earlier app's pages of `pageSize` files, as the page of ours showing that page's first file. */
function ourPage(page: number, pageSize: number): number {
  return Math.min(MAX_BUTTON_PAGE, Math.floor((page * Math.max(1, pageSize)) / FILES_PER_PAGE));
}

/** When the rest cannot be read, the entry id is what precedes the first dash (entry ids are `etr_…`). */
function fallback(rest: string): EarlierDecodeResult {
  const entryId = rest.split('-', 1)[0] ?? '';
  return entryId === '' ? { ok: false } : { ok: true, button: { action: 'main', entryId } };
}

function decodeRest(target: Target, linked: boolean, rest: string): EarlierDecodeResult {
  if (target === 'update' || target === 'back') return rest === '' ? { ok: false } : { ok: true, button: { action: target, entryId: rest } };
  const paged = PAGED.exec(rest);
  if (paged === null) return fallback(rest);
  const [, head = '', pageText = '', sizeText = ''] = paged;
  const page = Number(pageText);
  const pageSize = Number(sizeText);
  let entryId = head;
  let name: string | undefined;
  if (linked) {
    const parts = LINKED.exec(head);
    if (parts === null) return fallback(rest);
    entryId = parts[1] ?? '';
    name = parts[2];
  }
  const target_ = name === undefined ? { entryId } : { entryId, linked: name };
  const button: EarlierButton =
    target === 'browse' ? { action: 'browse', ...target_, page, pageSize } : { action: 'metadata', ...target_ };
  return { ok: true, button };
}

/**
 * Reads an id the earlier app drew. `ok: false` when it is not one (no known prefix, or no
 * entry id to read); never throws. The entry id is returned as written: the caller checks its
 * shape and that it is the canvas's entry.
 */
export function decodeEarlierButtonId(id: unknown): EarlierDecodeResult {
  if (typeof id !== 'string' || id.length > MAX_EARLIER_ID_LENGTH) return { ok: false };
  const known = PREFIXES.find(({ prefix }) => id.startsWith(prefix));
  if (known === undefined) return { ok: false };
  return decodeRest(known.target, known.linked, id.slice(known.prefix.length));
}

/**
 * The linked package an encoded name means, among those this app knows are linked to the
 * entry; undefined when none, or more than one, fits.
 */
function linkedPackage(encoded: string, known: readonly string[]): string | undefined {
  const fits = [...new Set(known)].filter((name) => earlierLinkedEncoding(name) === encoded);
  return fits.length === 1 ? fits[0] : undefined;
}

/**
 * The action of ours nearest an earlier button: the same view of the same package, the entry's
 * main view when the package is not one `knownLinked` lists or the rest could not be read.
 */
export function takeOverEarlierButton(button: EarlierButton, knownLinked: readonly string[]): ButtonAction {
  const { entryId } = button;
  const main: ButtonAction = { action: 'back', entryId };
  switch (button.action) {
    case 'update':
    case 'back':
      return { action: button.action, entryId };
    case 'main':
      return main;
    case 'browse':
    case 'metadata': {
      const packageName = button.linked === undefined ? undefined : linkedPackage(button.linked, knownLinked);
      if (button.linked !== undefined && packageName === undefined) return main;
      const target = packageName === undefined ? { entryId } : { entryId, packageName };
      return button.action === 'browse' ? { action: 'browse', ...target, page: ourPage(button.page, button.pageSize) } : { action: 'metadata', ...target };
    }
  }
}
