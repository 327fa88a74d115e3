/**
 * Every spelling of a credential that a server echoing a request, or one of our own sinks,
 * could write: written out here from the standard library, apart from the scrubber's own list
 * (src/secret/credential-forms.ts), so that a test of the scrubber does not check it against itself.
 */

/** Python's json.dumps (ensure_ascii): non-ASCII as lowercase \uXXXX. */
export function pythonAsciiJson(value: string): string {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Named spellings of one value: the names go in failure messages, never the values. */
export function credentialSpellings(value: string): Record<string, string> {
  const bytes = Buffer.from(value, 'utf8');
  const json = JSON.stringify(value).slice(1, -1);
  const uri = encodeURIComponent(value);
  return {
    plain: value,
    'JSON-escaped': json,
    'JSON-escaped twice': JSON.stringify(json).slice(1, -1),
    'ASCII JSON': pythonAsciiJson(value).slice(1, -1),
    'percent-encoded': uri,
    'percent-encoded, lowercase hex': uri.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    'form-encoded': new URLSearchParams({ v: value }).toString().slice(2),
    base64: bytes.toString('base64'),
    'base64 unpadded': bytes.toString('base64').replace(/=+$/, ''),
    base64url: bytes.toString('base64url'),
  };
}

/** The Basic header value, `base64(client_id:client_secret)`, padded and not. */
export function basicSpellings(clientId: string, clientSecret: string): Record<string, string> {
  const b64 = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
  return { 'Basic credentials': b64, 'Basic credentials unpadded': b64.replace(/=+$/, '') };
}

export interface Credentials {
  clientId: string;
  clientSecret: string;
  tokens: readonly string[];
}

/** Every spelling of every credential, labelled (`client_secret, base64`). */
export function allSpellings({ clientId, clientSecret, tokens }: Credentials): { label: string; value: string }[] {
  const named: [string, string][] = [['client_id', clientId], ['client_secret', clientSecret], ...tokens.map((t, i): [string, string] => [`token ${i + 1}`, t])];
  const out = named.flatMap(([name, value]) => Object.entries(credentialSpellings(value)).map(([form, v]) => ({ label: `${name}, ${form}`, value: v })));
  for (const [form, value] of Object.entries(basicSpellings(clientId, clientSecret))) out.push({ label: form, value });
  return out;
}

/** Labels of the spellings found in `text`, e.g. `["token 2, plain"]`; empty when it holds none. */
export function spellingsIn(text: string, credentials: Credentials): string[] {
  return allSpellings(credentials)
    .filter(({ value }) => text.includes(value))
    .map(({ label }) => label);
}
