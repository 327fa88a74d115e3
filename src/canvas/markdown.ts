import { plainText } from './text.ts';

/**
 * Text from Benchling or from package metadata goes into canvas markdown only through
 * escapeMarkdown; links only through markdownLink with a URL built in urls.ts.
 */

// Every ASCII punctuation character: CommonMark lets each be backslash-escaped, and escaping
// all of them also splits URL-like runs so GFM autolinking does not fire on them.
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/g;

/** Renders as exactly the visible characters of `text`, on one line, with no markup. */
export function escapeMarkdown(text: string): string {
  return plainText(text).replace(ASCII_PUNCTUATION, (c) => `\\${c}`);
}

/** A URL whose every character is safe inside a markdown link destination. */
export type SafeUrl = string & { readonly __safeUrl: unique symbol };

// Unreserved characters, percent escapes and the `/` that urls.ts itself places.
const SAFE_URL = /^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[A-Za-z0-9._~%/-]*)?$/;

/** Only urls.ts calls this: it is the one place that grants the brand. */
export function asSafeUrl(url: string): SafeUrl | undefined {
  return SAFE_URL.test(url) ? (url as SafeUrl) : undefined;
}

export function markdownLink(text: string, url: SafeUrl): string {
  return `[${escapeMarkdown(text)}](${url})`;
}
