import fc from 'fast-check';
import { isSchemaObject, type JsonSchema } from './openapi-schema.ts';

/**
 * fast-check arbitraries of the instances a JSON Schema (as openapi-schema.ts makes of
 * Benchling's spec) allows, so a property test can feed a parser everything Benchling may
 * send. What the spec leaves open is exercised on purpose: optional properties come and go,
 * nullable ones are null at times, and an object that is not closed gets unknown properties.
 *
 * Instances stay small (arrays of at most MAX_ITEMS, nesting cut at MAX_DEPTH where only
 * required properties are kept), so a few hundred runs take seconds. Shapes this translator
 * does not know throw at once, naming the schema, rather than producing instances the schema
 * does not allow; the tests check every instance against the validator too.
 */

export interface SchemaArbitraryOptions {
  /** Resolves a `$ref` schema to its target. */
  resolve: (schema: JsonSchema) => JsonSchema;
}

const MAX_ITEMS = 3;
const MAX_DEPTH = 8;
const MAX_EXTRA_PROPERTIES = 2;

export function schemaArbitrary(schema: JsonSchema, options: SchemaArbitraryOptions): fc.Arbitrary<unknown> {
  return new Translator(options.resolve).of(schema, 0);
}

/** Text of every kind a JSON string may hold: ASCII, any Unicode, empty. */
const text = (constraints: { minLength?: number; maxLength?: number } = {}) =>
  fc.oneof(fc.string(constraints), fc.string({ ...constraints, unit: 'grapheme' }));

/** Any JSON value, small: what a property the spec does not describe may hold. */
const anyJson = fc.jsonValue({ maxDepth: 2 });

const FORMATS: Record<string, () => fc.Arbitrary<string>> = {
  'date-time': () => fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  date: () => fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  uri: () => fc.webUrl({ withQueryParameters: true, withFragments: true }),
  uuid: () => fc.uuid(),
};

class Translator {
  /** One arbitrary per schema and depth: a component used in many places is translated once. */
  private readonly made = new Map<JsonSchema, Map<number, fc.Arbitrary<unknown>>>();

  constructor(private readonly resolve: (schema: JsonSchema) => JsonSchema) {}

  of(input: JsonSchema, depth: number): fc.Arbitrary<unknown> {
    const schema = this.resolve(input);
    const byDepth = this.made.get(schema) ?? new Map<number, fc.Arbitrary<unknown>>();
    this.made.set(schema, byDepth);
    let made = byDepth.get(depth);
    if (made === undefined) {
      made = this.translate(schema, depth);
      byDepth.set(depth, made);
    }
    return made;
  }

  private translate(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
    if (Array.isArray(schema.allOf)) return this.of(this.merged(schema), depth);
    const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
    if (Array.isArray(union)) return fc.oneof(...union.map((branch) => this.of(this.withSiblings(schema, branch), depth)));
    // OpenAPI 3.1's nullable: `type: ['null', 'string']`, one of the listed types with the rest of the schema.
    if (Array.isArray(schema.type)) return fc.oneof(...(schema.type as string[]).map((type) => this.of({ ...schema, type }, depth)));
    switch (typeOf(schema)) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return fc.integer({ min: numberOr(schema.minimum, -1e9), max: numberOr(schema.maximum, 1e9) });
      case 'number':
        return fc.double({ min: numberOr(schema.minimum, -1e9), max: numberOr(schema.maximum, 1e9), noNaN: true, noDefaultInfinity: true });
      case 'string':
        return this.string(schema);
      case 'array':
        return this.array(schema, depth);
      case 'object':
        return this.object(schema, depth);
      default:
        return anyJson;
    }
  }

  private string(schema: JsonSchema): fc.Arbitrary<string> {
    const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
    if (format) return format();
    if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern, 'u'));
    const minLength = numberOr(schema.minLength, 0);
    const short = text({ minLength, maxLength: Math.min(numberOr(schema.maxLength, 24), 24) });
    if (typeof schema.maxLength !== 'number') return short;
    // At the limit too, in code points of any plane: where a parser counts UTF-16 units, it shows.
    return fc.oneof(short, fc.string({ unit: 'binary', minLength: schema.maxLength, maxLength: schema.maxLength }));
  }

  private array(schema: JsonSchema, depth: number): fc.Arbitrary<unknown[]> {
    const minLength = numberOr(schema.minItems, 0);
    const maxLength = depth >= MAX_DEPTH ? minLength : Math.max(minLength, Math.min(numberOr(schema.maxItems, MAX_ITEMS), MAX_ITEMS));
    if (maxLength === 0) return fc.constant([]);
    const items = isSchemaObject(schema.items) ? this.of(schema.items, depth + 1) : anyJson;
    return fc.array(items, { minLength, maxLength });
  }

  private object(schema: JsonSchema, depth: number): fc.Arbitrary<Record<string, unknown>> {
    const properties = (isSchemaObject(schema.properties) ? schema.properties : {}) as Record<string, JsonSchema>;
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    const kept = Object.keys(properties).filter((name) => depth < MAX_DEPTH || required.has(name));
    const model = Object.fromEntries(kept.map((name) => [name, this.of(properties[name]!, depth + 1)]));
    const declared = fc.record(model, { requiredKeys: kept.filter((name) => required.has(name)), noNullPrototype: true });
    const extra = this.extraProperties(schema, new Set(Object.keys(properties)), depth);
    return extra === undefined ? declared : fc.tuple(declared, extra).map(([known, more]) => ({ ...more, ...known }));
  }

  /** Properties the schema does not name: typed by `additionalProperties`, any JSON when it is open, none when closed. */
  private extraProperties(schema: JsonSchema, named: Set<string>, depth: number): fc.Arbitrary<Record<string, unknown>> | undefined {
    const closed = schema.additionalProperties === false || schema.unevaluatedProperties === false;
    if (closed || depth >= MAX_DEPTH) return undefined;
    const values = isSchemaObject(schema.additionalProperties) ? this.of(schema.additionalProperties, depth + 1) : anyJson;
    const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !named.has(k) && k !== '__proto__');
    return fc.dictionary(key, values, { maxKeys: MAX_EXTRA_PROPERTIES, noNullPrototype: true });
  }

  /** A union branch keeps what stands beside the union (`properties` next to `anyOf`). */
  private withSiblings(schema: JsonSchema, branch: JsonSchema): JsonSchema {
    const { anyOf: _anyOf, oneOf: _oneOf, ...siblings } = schema;
    return Object.keys(siblings).some(isStructural) ? { allOf: [siblings, branch] } : branch;
  }

  /**
   * The members of an `allOf` as one schema: properties and required names together, a
   * property two members declare as the `allOf` of both, and closed when any member is.
   */
  private merged(schema: JsonSchema): JsonSchema {
    const { allOf, ...siblings } = schema;
    const members = [siblings, ...(allOf as JsonSchema[])].map((m) => this.resolve(m)).flatMap((m) => (Array.isArray(m.allOf) ? [this.merged(m)] : [m]));
    // A member that is a union (a nullable $ref, an Entity that is one of several kinds) is
    // distributed: one of its branches, together with all the other members.
    const union = members.find((m) => Array.isArray(m.anyOf) || Array.isArray(m.oneOf));
    if (union !== undefined) {
      const others = members.filter((m) => m !== union);
      const branches = (union.anyOf ?? union.oneOf) as JsonSchema[];
      return { anyOf: branches.map((branch) => ({ allOf: [...others, this.withSiblings(union, branch)] })) };
    }
    const merged: JsonSchema = {};
    const properties: Record<string, JsonSchema> = {};
    const required = new Set<string>();
    let closed = false;
    for (const member of members) {
      for (const [keyword, value] of Object.entries(member)) {
        if (keyword === 'properties') {
          for (const [name, s] of Object.entries(value as Record<string, JsonSchema>)) properties[name] = properties[name] ? { allOf: [properties[name], s] } : s;
        } else if (keyword === 'required') {
          for (const name of value as string[]) required.add(name);
        } else if (keyword === 'additionalProperties' || keyword === 'unevaluatedProperties') {
          if (value === false) closed = true;
          else merged.additionalProperties ??= value;
        } else {
          merged[keyword] = value;
        }
      }
    }
    if (closed) merged.additionalProperties = false;
    if (Object.keys(properties).length > 0) merged.properties = properties;
    if (required.size > 0) merged.required = [...required];
    return merged;
  }
}

const ANNOTATIONS = new Set(['description', 'title', 'readOnly', 'writeOnly', 'deprecated', 'default', 'examples', '$comment']);

function isStructural(keyword: string): boolean {
  return !ANNOTATIONS.has(keyword);
}

function typeOf(schema: JsonSchema): string | undefined {
  if (typeof schema.type === 'string') return schema.type;
  if (schema.properties !== undefined || schema.additionalProperties !== undefined) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}
