/** The Entry resource as `GET /api/v2/entries/{id}` returns it (the fields the app reads). */

export interface BenchlingUser {
  id: string;
  name: string;
  handle: string;
}

/** A reference from a note to another Benchling object. */
export interface NoteLink {
  id: string;
  type: string;
  webURL: string;
}

/** Notes are discriminated by `type` (`text`, `external_file`, `app_canvas`, ...). */
export interface EntryNote {
  type: string;
  text?: string;
  links?: NoteLink[];
  externalFileId?: string;
  [extra: string]: unknown;
}

export interface EntryDay {
  date: string;
  title: string;
  notes: EntryNote[];
}

export interface EntryField {
  value: unknown;
  displayValue: string | null;
  isMulti: boolean;
  textValue: string | null;
  type: string;
}

export interface ReviewRecord {
  comment: string;
  status: string;
}

export interface SandboxEntry {
  id: string;
  displayId: string;
  name: string;
  webURL: string;
  apiURL: string;
  createdAt: string;
  modifiedAt: string;
  creator: BenchlingUser;
  authors: BenchlingUser[];
  assignedReviewers: BenchlingUser[];
  fields: Record<string, EntryField>;
  customFields: Record<string, { value: string }>;
  schema: { id: string; name: string } | null;
  folderId: string;
  entryTemplateId: string | null;
  reviewRecord: ReviewRecord | null;
  archiveRecord: { reason: string } | null;
  days: EntryDay[];
}

/**
 * A file the export ZIP carries besides the rendered entry: bytes, text, or a size in bytes
 * of deterministic generated content (streamed, never held in memory).
 */
export type AttachmentSource = Buffer | string | number;

export type Attachments = Record<string, AttachmentSource>;

export interface EntryInput extends Partial<SandboxEntry> {
  attachments?: Attachments;
}

export type LinkedObjectKind = 'custom_entity' | 'dna_sequence';

/** A linked object as its own GET-by-id returns it, so the worker can name links. */
export interface LinkedObject {
  id: string;
  name: string;
  webURL: string;
}

/** A text field value in the shape Benchling returns for schema fields. */
export function entryField(value: string | number | boolean | null, type = 'text'): EntryField {
  const text = value === null ? null : String(value);
  return { value, displayValue: text, isMulti: false, textValue: text, type };
}

/**
 * An entity-valued schema field (`custom_entity_link`, `dna_sequence_link`, …): its value is
 * the linked object's id, or a list of ids for a multi-link field; Benchling shows names.
 */
export function entityField(linked: LinkedObject | LinkedObject[], type: string): EntryField {
  const list = Array.isArray(linked) ? linked : [linked];
  const names = list.map((o) => o.name).join(', ');
  return { value: Array.isArray(linked) ? list.map((o) => o.id) : linked.id, displayValue: names, isMulti: Array.isArray(linked), textValue: names, type };
}
