import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { fromOpenApi30, isSchemaObject, type JsonSchema } from './openapi-schema.ts';

/**
 * Benchling's published v2 API (test/fixtures/benchling-openapi.yaml) as the contract tests
 * hold the client, the app's requests and the sandbox tenant to: the schema of a component,
 * of an operation's request or of its answer for a status, and a validator for each that
 * names every violated path. Test-only: the product never ships the 35,000-line document.
 */

export const BENCHLING_V2_SPEC = new URL('../fixtures/benchling-openapi.yaml', import.meta.url);
/** Benchling's v3 API (OpenAPI 3.1), whose `webhooks:` block declares the v3 app webhooks. */
export const BENCHLING_V3_SPEC = new URL('../fixtures/benchling-v3-openapi.yaml', import.meta.url);

/** Where an instance breaks the schema: a JSON pointer into the instance, and what is wrong there. */
export interface SpecViolation {
  path: string;
  message: string;
}

export type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface SpecOperation {
  method: HttpMethod;
  /** The spec's path template, `/entries/{entry_id}`. */
  path: string;
  /** The JSON or form body's schema, when the operation takes one. */
  request: JsonSchema | undefined;
  /** The statuses the operation declares, each with its JSON body's schema (undefined: no body). */
  responses: Map<number, JsonSchema | undefined>;
}

const SPEC_ID = 'benchling-v2';

/** Formats the document uses that are OpenAPI's or Benchling's own, not JSON Schema's: annotations only. */
const ANNOTATION_FORMATS = ['float', 'datetime', 'bytes', 'isoformat'];

export class OpenApiSpec {
  /** Every component schema, as JSON Schema 2020-12 (openapi-schema.ts), by name. */
  readonly defs: Readonly<Record<string, JsonSchema>>;
  readonly operations: readonly SpecOperation[];
  /** The request body's schema of each webhook the document declares (OpenAPI 3.1 `webhooks:`), by event type. */
  readonly webhooks: ReadonlyMap<string, JsonSchema>;
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<JsonSchema, ValidateFunction>();

  constructor(document: unknown) {
    const doc = document as {
      components: { schemas: Record<string, unknown> };
      paths: Record<string, Record<string, unknown>>;
      webhooks?: Record<string, Record<string, unknown>>;
    };
    this.defs = fromOpenApi30(doc.components.schemas) as Record<string, JsonSchema>;
    this.operations = Object.entries(doc.paths).flatMap(([path, item]) => operationsOf(path, item));
    this.webhooks = new Map(
      Object.entries(doc.webhooks ?? {}).flatMap(([type, item]) => operationsOf(type, item).flatMap((op) => (op.request ? [[type, op.request] as const] : []))),
    );
    this.ajv = new Ajv2020({ allErrors: true, strictTypes: false, strictTuples: false });
    addFormats.default(this.ajv);
    for (const format of ANNOTATION_FORMATS) this.ajv.addFormat(format, true);
    this.ajv.addSchema({ $id: SPEC_ID, $defs: this.defs });
  }

  /** A component by name, as a schema that refers into the document (`{$ref}`). */
  component(name: string): JsonSchema {
    if (this.defs[name] === undefined) throw new Error(`Benchling's spec has no component ${name}`);
    return { $ref: `${SPEC_ID}#/$defs/${name}` };
  }

  operation(method: HttpMethod, path: string): SpecOperation | undefined {
    return this.operations.find((o) => o.method === method && o.path === path);
  }

  /** Resolves `$ref`s into the document; any other schema is returned as it is. */
  resolve(schema: JsonSchema): JsonSchema {
    let current = schema;
    for (let hops = 0; typeof current.$ref === 'string'; hops++) {
      const name = /#\/\$defs\/(.+)$/.exec(current.$ref)?.[1];
      const target = name === undefined ? undefined : this.defs[name];
      if (target === undefined || hops > 50) throw new Error(`cannot resolve ${current.$ref}`);
      current = target;
    }
    return current;
  }

  /** Every way `value` breaks `schema`; empty when it conforms. */
  violations(schema: JsonSchema, value: unknown): SpecViolation[] {
    let validate = this.compiled.get(schema);
    if (validate === undefined) {
      validate = this.ajv.compile(schema);
      this.compiled.set(schema, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => ({ path: e.instancePath || '/', message: `${e.message ?? e.keyword}${paramsText(e.params)}` }));
  }
}

function paramsText(params: Record<string, unknown>): string {
  const named = params.additionalProperty ?? params.unevaluatedProperty ?? params.missingProperty ?? params.allowedValues;
  return named === undefined ? '' : ` (${JSON.stringify(named)})`;
}

const METHODS: readonly HttpMethod[] = ['get', 'post', 'patch', 'put', 'delete'];

function operationsOf(path: string, item: Record<string, unknown>): SpecOperation[] {
  return METHODS.filter((m) => isSchemaObject(item[m])).map((method) => {
    const op = item[method] as { requestBody?: { content?: Record<string, { schema?: unknown }> }; responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
    const request = bodySchema(op.requestBody?.content);
    const responses = new Map<number, JsonSchema | undefined>();
    for (const [status, answer] of Object.entries(op.responses ?? {})) {
      if (/^\d{3}$/.test(status)) responses.set(Number(status), bodySchema(answer.content));
    }
    return { method, path, request, responses };
  });
}

/** The JSON (or, for the token call, form) body's schema, made to refer into the document. */
function bodySchema(content: Record<string, { schema?: unknown }> | undefined): JsonSchema | undefined {
  const media = content?.['application/json'] ?? content?.['application/x-www-form-urlencoded'];
  return media?.schema === undefined ? undefined : (fromOpenApi30(media.schema, SPEC_ID) as JsonSchema);
}

let loaded: OpenApiSpec | undefined;
let loadedV3: OpenApiSpec | undefined;

/** The v2 spec, loaded once per process. */
export function benchlingSpec(): OpenApiSpec {
  loaded ??= new OpenApiSpec(readSpecDocument(BENCHLING_V2_SPEC));
  return loaded;
}

/**
 * The v3 spec, loaded once per process. It is OpenAPI 3.1, whose schemas already are JSON
 * Schema 2020-12 (`type: ['null', 'string']` for a nullable field); the 3.0 conversion
 * leaves them as they are but for the `$ref`s.
 */
export function benchlingV3Spec(): OpenApiSpec {
  loadedV3 ??= new OpenApiSpec(readSpecDocument(BENCHLING_V3_SPEC));
  return loadedV3;
}

/**
 * Parsing 35,000 lines of YAML takes seconds, and several test files read the document: the
 * parsed form is kept as JSON in the temp folder, under the YAML's hash, so a changed
 * fixture is parsed afresh and an unchanged one only once per machine.
 */
export function readSpecDocument(file: URL): unknown {
  const text = readFileSync(file, 'utf8');
  const dir = join(tmpdir(), 'benchling-webhook-openapi');
  const cached = join(dir, `${createHash('sha256').update(text).digest('hex')}.json`);
  try {
    return JSON.parse(readFileSync(cached, 'utf8')) as unknown;
  } catch {
    // The v3 document shares many of its schemas by YAML alias, more than the parser allows by
    // default (a guard against alias bombs, which a pinned fixture under test/ is not).
    const document = parse(text, { maxAliasCount: -1 }) as unknown;
    mkdirSync(dir, { recursive: true });
    // Written aside, then renamed: a test file reading it meanwhile sees all of it or none.
    const partial = `${cached}.${process.pid}`;
    writeFileSync(partial, JSON.stringify(document));
    renameSync(partial, cached);
    return document;
  }
}
