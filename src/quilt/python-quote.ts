import { AppError } from '../errors/app-error.ts';

// ignoreBOM keeps a leading U+FEFF as text, as Python's utf-8 codec does, instead of dropping it.
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Python's urllib.parse quoting, which quilt3 uses for physical keys. Python keeps only
 * `A-Z a-z 0-9 _ . - ~` (plus the `safe` characters) literal; encodeURIComponent also keeps
 * `! ' ( ) *`, so those are escaped on top. Hex digits are uppercase in both.
 */
export function pythonQuote(text: string, safe = '/'): string {
  let quoted: string;
  try {
    quoted = encodeURIComponent(text);
  } catch {
    throw new AppError('quilt_bad_physical_key', `${JSON.stringify(text)} holds an unpaired UTF-16 surrogate and cannot be UTF-8 encoded`);
  }
  quoted = quoted.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  for (const c of safe) quoted = quoted.split(encodeURIComponent(c)).join(c);
  return quoted;
}

/** quote_plus with no safe characters, as urlencode() applies it to query values. */
export function pythonQuotePlus(text: string): string {
  return pythonQuote(text, ' ').replace(/ /g, '+');
}

/**
 * unquote: runs of %XX become UTF-8 bytes, invalid sequences turn into U+FFFD, and a `%`
 * not followed by two hex digits stays as it is, all as Python does.
 */
export function pythonUnquote(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => UTF8.decode(Buffer.from(run.replace(/%/g, ''), 'hex')));
}

export function pythonUnquotePlus(text: string): string {
  return pythonUnquote(text.replace(/\+/g, ' '));
}
