/**
 * Orders strings by Unicode code point, as Python's `sorted` does. JavaScript's `<` compares
 * UTF-16 code units, which disagrees when an astral character (a surrogate pair) meets one in
 * U+E000..U+FFFF; remapping the units at and above U+D800 so that surrogates sort last fixes
 * exactly that case without decoding whole strings.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codeUnitSortRank(x) - codeUnitSortRank(y);
  }
  return a.length - b.length;
}

/** A rank for one UTF-16 unit such that ranks order like the code points they belong to. */
export function codeUnitSortRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}
