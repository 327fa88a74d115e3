/**
 * What an entry refers to besides its note links: objects named by entity-valued schema
 * fields, and the results tables its notes hold. links.json lists both, in the shape the
 * earlier Benchling→Quilt app wrote (schema version 2), so queries built on those packages
 * keep finding them. Everything here is read from data Benchling does not promise, so each
 * value is checked, never assumed.
 */

export interface FieldEntity {
  id: string;
  /** The object's kind (`dna_sequence`, `custom_entity`, …), or `entity` when the field does not say. */
  type: string;
  /** The schema field that names it. */
  field: string;
}

export interface ResultsTable {
  assay_result_schema_id: string | null;
  api_id: string | null;
  name: string | null;
}

/** A field's value names other objects when its type is a link to one; a blob is a file, not an object. */
function isEntityFieldType(type: unknown): type is string {
  return typeof type === 'string' && type.endsWith('_link') && type !== 'blob_link';
}

/** Id prefixes that say an object's kind where a generic `entity_link` field does not. */
const KIND_BY_PREFIX: Record<string, string> = {
  bfi: 'custom_entity',
  seq: 'dna_sequence',
  prtn: 'aa_sequence',
  etr: 'entry',
  con: 'container',
  box: 'box',
  plt: 'plate',
  loc: 'location',
};

function kindOf(fieldType: string, id: string): string {
  const kind = fieldType.slice(0, -'_link'.length);
  if (kind !== 'entity') return kind;
  return KIND_BY_PREFIX[id.split('_')[0] ?? ''] ?? 'entity';
}

const ids = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v.length > 0);

export interface EntryReferences {
  fields?: Record<string, { type?: unknown; value?: unknown }> | undefined;
  days?: { notes?: Record<string, unknown>[] | undefined }[] | undefined;
}

/** Objects named by entity-valued fields, once each, in field order. */
export function fieldEntities(entry: EntryReferences): FieldEntity[] {
  const seen = new Map<string, FieldEntity>();
  for (const [field, f] of Object.entries(entry.fields ?? {})) {
    if (!isEntityFieldType(f.type)) continue;
    for (const id of ids(f.value)) if (!seen.has(id)) seen.set(id, { id, type: kindOf(f.type, id), field });
  }
  return [...seen.values()];
}

const textOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Every `results_table` note, in the order the entry shows them. */
export function resultsTables(entry: EntryReferences): ResultsTable[] {
  const tables: ResultsTable[] = [];
  for (const day of entry.days ?? []) {
    for (const note of day.notes ?? []) {
      if (note.type !== 'results_table') continue;
      tables.push({ assay_result_schema_id: textOrNull(note.assayResultSchemaId), api_id: textOrNull(note.apiId), name: textOrNull(note.name) });
    }
  }
  return tables;
}
