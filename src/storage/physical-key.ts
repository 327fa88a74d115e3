/**
 * Quilt physical keys, spelled the way quilt3 spells them (its PhysicalKey.__str__), so a
 * manifest written here reads the same as one written by quilt3.
 */

/**
 * Python's `urllib.parse.quote(s, safe='/')`: only A–Z a–z 0–9 _ . - ~ / stay literal,
 * everything else becomes %XX of its UTF-8 bytes. encodeURIComponent differs in leaving
 * ! ' ( ) * alone and in escaping /; both are fixed up here. It throws on unpaired
 * surrogates, as quote does, rather than writing a key no reader can resolve.
 */
export function quote(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, '/');
}

/** `s3://bucket/<quoted key>`, plus `?versionId=<quoted id>` when the version is known. */
export function s3PhysicalKey(bucket: string, key: string, versionId?: string): string {
  const base = `s3://${bucket}/${quote(key)}`;
  return versionId ? `${base}?versionId=${quote(versionId)}` : base;
}

/** `file:///<quoted absolute path>` (quilt3: urlunparse of pathname2url). */
export function filePhysicalKey(absolutePath: string): string {
  return `file://${quote(absolutePath)}`;
}
