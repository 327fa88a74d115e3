/** Text clean-up shared by the markdown escaper and the codecs. */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Line breaks of any kind, other whitespace and control characters all become one space.
// eslint-disable-next-line no-control-regex
const BREAKS_AND_CONTROLS = /[\s\u0000-\u001f\u007f-\u009f]+/g;
// Bidirectional overrides and isolates could make a name display as something else.
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** String.prototype.toWellFormed is ES2024; the project's typings stop at ES2023. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** Single-line text: no line breaks, controls, bidi overrides or broken surrogates. */
export function plainText(text: string): string {
  return wellFormed(text).replace(BIDI_CONTROLS, '').replace(BREAKS_AND_CONTROLS, ' ').trim();
}

/** Shortens by code points (never splitting a pair) and marks the cut. Apply before escaping. */
export function truncateText(text: string, maxCodePoints: number): string {
  const points = Array.from(text);
  return points.length <= maxCodePoints ? text : `${points.slice(0, Math.max(0, maxCodePoints - 1)).join('')}…`;
}
