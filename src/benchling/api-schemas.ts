import { z } from 'zod';
import { BenchlingError, BenchlingErrorCode } from './api-errors.ts';
import { benchlingIdSchema } from './benchling-id.ts';

/**
 * The shapes we read from Benchling (reference/benchling-protocol.md §5), no stricter than
 * Benchling's published OpenAPI contract (test/fixtures/benchling-openapi.yaml): unknown
 * fields are kept (the package's entry.json carries them through), and a field the contract
 * does not promise is optional here, even one the app would like to have. What the app does
 * without it is decided where the field is used (docs/operations.md, "What Benchling may
 * leave out"), so a lean answer never fails a package.
 */

/** Accepts null as well as absence, and reads both as absent, so callers test one thing. */
const absentable = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

const text = absentable(z.string());

const user = z.looseObject({ id: text, name: text, handle: text });

/** A hyperlink (`type: link`) has no id, only its webURL. */
const noteLink = z.looseObject({ id: text, type: text, webURL: text });

const note = z.looseObject({ type: text, text, links: absentable(z.array(noteLink)) });

const day = z.looseObject({ date: text, title: text, notes: absentable(z.array(note)) });

const field = z.looseObject({ value: z.unknown(), displayValue: text });

/** `id` is optional in the contract; BenchlingClient.getEntry fills in the id it asked for. */
export const EntrySchema = z.looseObject({
  id: text,
  displayId: text,
  name: text,
  webURL: text,
  createdAt: text,
  modifiedAt: text,
  creator: absentable(user),
  authors: absentable(z.array(user)),
  schema: absentable(z.looseObject({ id: text, name: text })),
  reviewRecord: absentable(z.looseObject({ status: text })),
  fields: absentable(z.record(z.string(), field)),
  days: absentable(z.array(day)),
});

/** Without `entry` the answer says nothing of the entry asked for: nothing to package. */
export const EntryEnvelopeSchema = z.looseObject({ entry: EntrySchema });

/**
 * A page of `GET /entries`. The contract promises neither field: a page without `entries`
 * has none, and one without `nextToken` (or with an empty one) is the last.
 */
export const EntriesPageSchema = z.looseObject({ entries: absentable(z.array(EntrySchema)), nextToken: text });

/** An entry as the app works with it: always with the id it was read by. */
export type BenchlingEntry = z.infer<typeof EntrySchema> & { id: string };
export type BenchlingUser = z.infer<typeof user>;
export type BenchlingNote = z.infer<typeof note>;

/** Without a token there is nothing to call the API with; a lifetime is optional (see token-request.ts). */
export const TokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: text,
  expires_in: absentable(z.number().positive()),
});

/** The task id goes into the next call's path, so an answer naming anything else is refused. */
export const ExportStartedSchema = z.looseObject({ taskId: benchlingIdSchema });

export const TaskSchema = z.looseObject({
  status: z.string(),
  message: text,
  /** A list of error objects, or one object (the contract allows both); each read only for its message. */
  errors: z.unknown().optional().transform(errorMessages),
  response: z.looseObject({}).nullish(),
});

export type BenchlingTask = z.infer<typeof TaskSchema>;

function errorMessages(errors: unknown): { message: string }[] {
  const list = Array.isArray(errors) ? errors : [errors];
  return list.flatMap((e) => {
    const message = typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : undefined;
    return typeof message === 'string' ? [{ message }] : [];
  });
}

const ExportResultSchema = z.looseObject({ downloadURL: z.string().min(1) });

/** Where a finished export can be downloaded; without it the export cannot be packaged. */
export function exportDownloadURL(taskId: string, task: BenchlingTask): string {
  const result = ExportResultSchema.safeParse(task.response);
  if (!result.success) throw new BenchlingError(BenchlingErrorCode.BAD_RESPONSE, `Benchling export task ${taskId} succeeded without a downloadURL`, false);
  return result.data.downloadURL;
}

/** A linked object, or the entry a link names, read only for its name; it may have none. */
export const NamedObjectSchema = z.looseObject({ name: text });

export const NamedEntrySchema = z.looseObject({ entry: absentable(NamedObjectSchema) });

/**
 * A canvas record. The app reads which canvas, app and entry it is (canvas-binding.ts refuses
 * to draw on a record that does not say) and its saved `data`; the blocks are Benchling's.
 */
export const CanvasSchema = z.looseObject({
  id: text,
  /** The installation the canvas belongs to: the app writes only its own canvases. */
  app: absentable(z.looseObject({ id: text })),
  resourceId: text,
  featureId: text,
  enabled: absentable(z.boolean()),
  sessionId: text,
  data: text,
});

export type BenchlingCanvas = z.infer<typeof CanvasSchema>;
