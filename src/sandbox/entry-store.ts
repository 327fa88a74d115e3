import { AppError } from '../errors/app-error.ts';
import { benchlingId } from './ids.ts';
import type {
  AttachmentSource,
  Attachments,
  BenchlingUser,
  EntryDay,
  EntryInput,
  LinkedObject,
  LinkedObjectKind,
  SandboxEntry,
} from './entry-model.ts';

export interface TenantDirectory {
  baseURL: string;
  tenant: string;
  user: BenchlingUser;
  folderId: string;
  schema: { id: string; name: string };
}

const ID_PREFIX: Record<LinkedObjectKind, string> = { custom_entity: 'bfi', dna_sequence: 'seq' };

/** The tenant's entries, their export attachments, and the objects their notes link to. */
export class EntryStore {
  private readonly entries = new Map<string, SandboxEntry>();
  private readonly files = new Map<string, ReadonlyMap<string, AttachmentSource>>();
  private readonly linked = new Map<string, LinkedObject & { kind: LinkedObjectKind }>();
  private displayCounter = 0;

  constructor(private readonly directory: TenantDirectory) {}

  add(input: EntryInput = {}): SandboxEntry {
    const { attachments, ...fields } = definedOnly(input);
    checkAttachments(attachments);
    const entry = this.complete(fields, attachments ?? {});
    if (this.entries.has(entry.id)) throw new AppError('sandbox_duplicate_entry', `entry ${entry.id} already exists`);
    this.entries.set(entry.id, entry);
    this.files.set(entry.id, new Map(Object.entries(attachments ?? {})));
    return structuredClone(entry);
  }

  /** Merges `fields`/`customFields` by key, replaces the rest, and always moves modifiedAt forward. */
  update(id: string, change: EntryInput): SandboxEntry {
    const entry = this.entries.get(id);
    if (!entry) throw new AppError('sandbox_unknown_entry', `no entry ${id} in the sandbox`);
    const { attachments, fields, customFields, ...rest } = definedOnly(change);
    checkAttachments(attachments);
    Object.assign(entry, rest);
    if (fields) entry.fields = { ...entry.fields, ...fields };
    if (customFields) entry.customFields = { ...entry.customFields, ...customFields };
    if (attachments) this.files.set(id, new Map(Object.entries(attachments)));
    entry.modifiedAt = laterThan(entry.modifiedAt);
    return structuredClone(entry);
  }

  get(id: string): SandboxEntry | undefined {
    const entry = this.entries.get(id);
    return entry && structuredClone(entry);
  }

  /** Every entry, in the order they were added. */
  all(): SandboxEntry[] {
    return [...this.entries.values()].map((entry) => structuredClone(entry));
  }

  attachments(id: string): ReadonlyMap<string, AttachmentSource> {
    return this.files.get(id) ?? new Map();
  }

  addLinkedObject(kind: LinkedObjectKind, name: string): LinkedObject {
    const id = benchlingId(ID_PREFIX[kind]);
    const object = { kind, id, name, webURL: this.webURL(id, name) };
    this.linked.set(id, object);
    return { id, name, webURL: object.webURL };
  }

  linkedObject(kind: LinkedObjectKind, id: string): LinkedObject | undefined {
    const object = this.linked.get(id);
    return object?.kind === kind ? { id: object.id, name: object.name, webURL: object.webURL } : undefined;
  }

  linkedObjects(): LinkedObject[] {
    return [...this.linked.values()].map(({ id, name, webURL }) => ({ id, name, webURL }));
  }

  private complete(input: Partial<SandboxEntry>, attachments: Attachments): SandboxEntry {
    const d = this.directory;
    const id = input.id ?? benchlingId('etr');
    const displayId = input.displayId ?? this.nextDisplayId();
    const name = input.name ?? `Experiment ${displayId}`;
    const now = new Date().toISOString();
    const creator = input.creator ?? d.user;
    return {
      id,
      displayId,
      name,
      webURL: this.webURL(id, name),
      apiURL: `${d.baseURL}/api/v2/entries/${id}`,
      createdAt: now,
      modifiedAt: now,
      creator,
      authors: [creator],
      assignedReviewers: [],
      fields: {},
      customFields: {},
      schema: d.schema,
      folderId: d.folderId,
      entryTemplateId: null,
      reviewRecord: { comment: '', status: 'IN_PROGRESS' },
      archiveRecord: null,
      days: input.days ?? this.defaultDays(attachments),
      ...input,
    };
  }

  /** Benchling's display ids: a registry prefix, the two-digit year, a six-digit counter. */
  private nextDisplayId(): string {
    this.displayCounter++;
    const year = String(new Date().getUTCFullYear() % 100).padStart(2, '0');
    return `EXP${year}${String(this.displayCounter).padStart(6, '0')}`;
  }

  private webURL(id: string, name: string): string {
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    return `${this.directory.baseURL}/${this.directory.tenant}/f/${this.directory.folderId}-notebook/${id}-${slug}/edit`;
  }

  /** One day that mentions every linked object and shows every attachment as a file note. */
  private defaultDays(attachments: Attachments): EntryDay[] {
    const links = [...this.linked.values()].map((o) => ({ id: o.id, type: o.kind, webURL: o.webURL }));
    const mentions = links.length > 0 ? ` with ${[...this.linked.values()].map((o) => o.name).join(' and ')}` : '';
    const files = Object.keys(attachments).map((name) => ({
      type: 'external_file',
      externalFileId: benchlingId('exfl'),
      text: name,
      links: [],
    }));
    const date = new Date().toISOString().slice(0, 10);
    return [{ date, title: 'Day 1', notes: [{ type: 'text', text: `Worked${mentions}.`, links }, ...files] }];
  }
}

/** An ISO time after `previous` even when the clock has not moved on. */
function laterThan(previous: string): string {
  return new Date(Math.max(Date.now(), Date.parse(previous) + 1)).toISOString();
}

/** `{days: undefined}` means "not given", not "no days". */
function definedOnly<T extends object>(input: T): T {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as T;
}

/** Names become ZIP paths: relative, forward slashes, no `..`, so a bad name fails here, not mid-download. */
function checkAttachments(attachments: Attachments | undefined): void {
  for (const [name, source] of Object.entries(attachments ?? {})) {
    const bad = name === '' || name.startsWith('/') || name.includes('\\') || name.split('/').some((s) => s === '' || s === '..');
    if (bad) throw new AppError('sandbox_bad_attachment', `attachment name ${JSON.stringify(name)} is not a relative path`);
    if (typeof source === 'number' && !(Number.isSafeInteger(source) && source >= 0)) {
      throw new AppError('sandbox_bad_attachment', `attachment ${name}: a generated size must be a whole number of bytes`);
    }
  }
}
