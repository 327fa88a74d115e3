import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../../src/quilt/json-value.ts';
import { entryMeta, packageMeta, type DirectoryMeta, type Manifest, type ManifestEntry } from '../../src/quilt/manifest.ts';
import { s3PhysicalKey } from '../../src/quilt/physical-key.ts';

/** Names chosen to hit walk-order and encoding edge cases: `a` beside `a-c`, `a.txt`, astral vs U+E000..U+FFFF, URL specials. */
const trickySegment = fc.constantFrom(
  'a', 'b', 'a-c', 'a.txt', 'a b', 'A', '_', '~', '...', 'é', 'к', 'куилт.txt', '😀', '\uffff', '\ue000', '\u007f',
  '!', "'()*", '%41', '+', '#', '?', '&', '=', 'x.', 'tab\there', 'new\nline', '"q"', 'back\\slash', '\u2028',
);

const anySegment = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 6 })
  .filter((text) => !text.includes('/') && text !== '.' && text !== '..');

const segment = fc.oneof({ weight: 3, arbitrary: trickySegment }, { weight: 1, arbitrary: anySegment });

export const logicalKey = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));

/** Numbers whose text differs between JavaScript and Python, or sits on a boundary of the rules. */
const trickyNumber = fc.constantFrom(
  0, -0, 1, -1, 42, 0.1, 1e-4, 9.999999999999999e-5, 1e-5, 1.5e-7, 1e-9, 1.5e-10, 5e-324, 2 ** 53, 2 ** 60,
  1e16, 1e20, 1e21, 1.7976931348623157e308, 123456.789, -0.000012345,
);

const scalar: fc.Arbitrary<JsonValue> = fc.oneof(
  trickyNumber,
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.string({ unit: 'binary', maxLength: 8 }),
  trickySegment,
  fc.boolean(),
  fc.constant(null),
);

const metaValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(trickySegment, fc.string({ unit: 'binary', maxLength: 4 })), tie('value'), { maxKeys: 4 }),
  ),
})).value;

export const metaObject: fc.Arbitrary<JsonObject> = fc.dictionary(
  fc.oneof(trickySegment, fc.constantFrom('1', '0', '10', 'b', 'a'), fc.string({ unit: 'binary', maxLength: 4 })),
  metaValue,
  { maxKeys: 5 },
);

const hash = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => ({ type: 'sha2-256-chunked', value: Buffer.from(bytes).toString('base64') })),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => ({ type: 'SHA256', value: Buffer.from(bytes).toString('hex') })),
);

const entry: fc.Arbitrary<ManifestEntry> = fc
  .record({
    logicalKey,
    size: fc.oneof(fc.nat(), fc.maxSafeNat()),
    hash,
    userMeta: fc.option(metaObject, { nil: undefined }),
    versionId: fc.option(fc.stringMatching(/^[A-Za-z0-9._+/ -]{1,12}$/), { nil: undefined }),
  })
  .map(({ logicalKey: key, size, hash: entryHash, userMeta, versionId }) => ({
    logicalKey: key,
    physicalKey: s3PhysicalKey('bucket', `pkg/${key}`, versionId),
    size,
    hash: entryHash,
    meta: entryMeta(userMeta),
  }));

/** quilt3 holds a tree: a name cannot be both a file and a directory, so later clashing keys are dropped. */
function withoutClashes<T extends { logicalKey: string }>(items: readonly T[]): T[] {
  const kept: T[] = [];
  const keys: string[] = [];
  for (const item of items) {
    const key = item.logicalKey;
    if (keys.some((other) => other === key || other.startsWith(`${key}/`) || key.startsWith(`${other}/`))) continue;
    keys.push(key);
    kept.push(item);
  }
  return kept;
}

const directory: fc.Arbitrary<DirectoryMeta> = fc.record({
  logicalKey: logicalKey.map((key) => `${key}/`),
  meta: metaObject.filter((meta) => Object.keys(meta).length > 0),
});

export interface ManifestOptions {
  readonly maxEntries?: number;
  readonly directories?: boolean;
}

export function manifestArbitrary({ maxEntries = 12, directories = true }: ManifestOptions = {}): fc.Arbitrary<Manifest> {
  return fc
    .record({
      entries: fc.uniqueArray(entry, { selector: (e) => e.logicalKey, maxLength: maxEntries }),
      directories: directories ? fc.uniqueArray(directory, { selector: (d) => d.logicalKey, maxLength: 3 }) : fc.constant<DirectoryMeta[]>([]),
      userMeta: fc.oneof(metaObject, fc.constant(null)),
      message: fc.option(fc.string({ unit: 'binary', maxLength: 20 }), { nil: null }),
    })
    .map(({ entries, directories: dirs, userMeta, message }) => {
      const files = withoutClashes(entries);
      // A directory line may name a directory that holds files, but never a file.
      const dirLines = dirs.filter((d) => !files.some((f) => f.logicalKey === d.logicalKey.slice(0, -1) || d.logicalKey.startsWith(`${f.logicalKey}/`)));
      return { meta: packageMeta({ userMeta, message }), entries: files, directories: dirLines };
    });
}
