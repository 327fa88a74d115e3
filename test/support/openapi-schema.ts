/**
 * Benchling's v2 document is OpenAPI 3.0, whose schemas are almost JSON Schema but not quite.
 * This turns one into JSON Schema 2020-12, so a standard validator (ajv) and the generator in
 * schema-arbitrary.ts read it the way Benchling means it:
 *
 * - `nullable: true` allows null, also beside `$ref` or `allOf`, where JSON Schema has no
 *   place for it: the schema becomes `anyOf: [{type: 'null'}, <the rest>]`.
 * - `additionalProperties: false` beside `allOf`, or inside one of its inline members, closes
 *   the object the members make together (Benchling's `AppCanvasCreate`, `ExportsAsyncTask`).
 *   Read literally it would refuse every property, since it sees only its own sibling
 *   `properties`; `unevaluatedProperties: false` on the whole says what is meant.
 * - `oneOf` with a `discriminator` picks its branch by the discriminating property: two
 *   branches that both match are no error there, so it becomes `anyOf`, and the property must
 *   be there to pick by, even where a branch forgets to require it (`SectionUiBlock`'s `type`).
 * - `$ref: '#/components/schemas/X'` points at `$defs/X`, and keywords JSON Schema does not
 *   know (`example`, `discriminator`, `nullable`) are dropped.
 */

export type JsonSchema = { [keyword: string]: unknown };

const DROPPED = new Set(['example', 'discriminator', 'nullable']);

const COMPONENT_REF = '#/components/schemas/';

export function isSchemaObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `base` prefixes every rewritten `$ref` (`spec-id` for a schema compiled apart from the document). */
export function fromOpenApi30(schema: unknown, base = ''): unknown {
  if (Array.isArray(schema)) return schema.map((s) => fromOpenApi30(s, base));
  if (!isSchemaObject(schema)) return schema;
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (DROPPED.has(keyword)) continue;
    out[keyword] = convertKeyword(keyword, value, base);
  }
  if (typeof out.$ref === 'string' && out.$ref.startsWith(COMPONENT_REF)) out.$ref = `${base}#/$defs/${out.$ref.slice(COMPONENT_REF.length)}`;
  const discriminator = (schema.discriminator as { propertyName?: unknown } | undefined)?.propertyName;
  if (Array.isArray(out.oneOf) && typeof discriminator === 'string') {
    out.anyOf = out.oneOf;
    delete out.oneOf;
    out.required = [...new Set([...((out.required as string[] | undefined) ?? []), discriminator])];
  }
  closeMergedObject(out);
  return schema.nullable === true ? { anyOf: [{ type: 'null' }, out] } : out;
}

/** Keywords whose values are maps of schemas, not schemas themselves. */
const SCHEMA_MAPS = new Set(['properties', '$defs', 'patternProperties']);
/** Keywords whose values are data, never converted. */
const DATA = new Set(['enum', 'const', 'default', 'required', 'examples']);

function convertKeyword(keyword: string, value: unknown, base: string): unknown {
  if (DATA.has(keyword)) return value;
  if (SCHEMA_MAPS.has(keyword) && isSchemaObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([name, s]) => [name, fromOpenApi30(s, base)]));
  }
  return fromOpenApi30(value, base);
}

function closeMergedObject(schema: JsonSchema): void {
  if (!Array.isArray(schema.allOf)) return;
  let closed = schema.additionalProperties === false;
  for (const member of schema.allOf as unknown[]) {
    if (isSchemaObject(member) && member.$ref === undefined && member.additionalProperties === false) {
      delete member.additionalProperties;
      closed = true;
    }
  }
  if (!closed) return;
  delete schema.additionalProperties;
  schema.unevaluatedProperties = false;
}
