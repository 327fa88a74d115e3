/**
 * The spellings a credential takes on its way out of the process and back in an echo: a
 * server that quotes a refused request may quote the Authorization header (base64 of
 * `client_id:client_secret` after `Basic `, or the token after `Bearer `), a form body
 * (URL-encoded, spaces as `+`), a query string (percent-encoded), or a JSON body (escaped,
 * by some servers as ASCII only); and each of those may be escaped again when it is written
 * into a JSON log line or journal. A scrubber that knows only the plain value misses them all.
 */

/** Every spelling of one value that a scrubber must find. */
export function credentialForms(value: string): string[] {
  const json = jsonEscaped(value);
  const encodings = [value, json, jsonEscaped(json), asciiJson(value), uriEncoded(value), formEncoded(value), ...base64Forms(value)];
  return unique(encodings.flatMap((form) => [form, lowerHexEscapes(form), upperHexEscapes(form)]));
}

/** The HTTP Basic credentials value, `base64(client_id:client_secret)`, as sent and as echoed. */
export function basicCredentialForms(clientId: string, clientSecret: string): string[] {
  return base64Forms(`${clientId}:${clientSecret}`);
}

function jsonEscaped(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/** As Python's json.dumps writes it by default (ensure_ascii): every non-ASCII code unit as \uXXXX. */
function asciiJson(value: string): string {
  return jsonEscaped(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function uriEncoded(value: string): string {
  return encodeURIComponent(value);
}

/** application/x-www-form-urlencoded, as URLSearchParams and HTML forms write it: a space is `+`. */
function formEncoded(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** Standard base64 with and without its padding, and base64url. */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const padded = bytes.toString('base64');
  return [padded, padded.replace(/=+$/, ''), bytes.toString('base64url')];
}

/** Percent-escapes and \u escapes are case-insensitive: a server may write either. */
function lowerHexEscapes(form: string): string {
  return form.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()).replace(/\\u[0-9a-fA-F]{4}/g, (e) => e.toLowerCase());
}

function upperHexEscapes(form: string): string {
  return form.replace(/%[0-9a-f]{2}/g, (e) => e.toUpperCase()).replace(/\\u[0-9a-fA-F]{4}/g, (e) => `\\u${e.slice(2).toUpperCase()}`);
}

function unique(forms: string[]): string[] {
  return [...new Set(forms)];
}
