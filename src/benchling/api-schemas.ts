import { z } from 'zod';
import { benchlingIdSchema } from './benchling-id.ts';

/**
 * The shapes we read from Benchling (reference/benchling-protocol.md §5). Loose on purpose:
 * unknown fields are kept (the package's entry.json carries them through), and only what the
 * app cannot work without is required, so a new Benchling field never breaks packaging.
 */

/** Accepts null as well as absence, and reads both as absent, so callers test one thing. */
const absentable = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

const user = z.looseObject({ id: z.string(), name: absentable(z.string()), handle: absentable(z.string()) });

const noteLink = z.looseObject({ id: z.string(), type: z.string(), webURL: absentable(z.string()) });

const note = z.looseObject({ type: z.string(), text: z.string().nullish(), links: absentable(z.array(noteLink)) });

const day = z.looseObject({ date: z.string().optional(), title: z.string().nullish(), notes: absentable(z.array(note)) });

const field = z.looseObject({ value: z.unknown(), displayValue: z.string().nullish() });

export const EntrySchema = z.looseObject({
  id: z.string().min(1),
  displayId: z.string().min(1),
  name: z.string(),
  webURL: z.string(),
  createdAt: z.string(),
  modifiedAt: z.string(),
  creator: absentable(user),
  authors: absentable(z.array(user)),
  fields: absentable(z.record(z.string(), field)),
  days: absentable(z.array(day)),
});

export type BenchlingEntry = z.infer<typeof EntrySchema>;
export type BenchlingUser = z.infer<typeof user>;
export type BenchlingNote = z.infer<typeof note>;

export const EntryEnvelopeSchema = z.looseObject({ entry: EntrySchema });

export const TokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
});

/** The task id goes into the next call's path, so an answer naming anything else is refused. */
export const ExportStartedSchema = z.looseObject({ taskId: benchlingIdSchema });

export const TaskSchema = z.looseObject({
  status: z.string(),
  message: z.string().nullish(),
  errors: z.array(z.looseObject({ message: z.string().optional() })).nullish(),
  response: z.looseObject({}).nullish(),
});

export type BenchlingTask = z.infer<typeof TaskSchema>;

export const ExportResultSchema = z.looseObject({ downloadURL: z.string().min(1) });

export const NamedObjectSchema = z.looseObject({ name: z.string() });

export const CanvasSchema = z.looseObject({
  id: z.string().min(1),
  /** The installation the canvas belongs to: the app writes only its own canvases. */
  app: absentable(z.looseObject({ id: z.string() })),
  resourceId: z.string().optional(),
  featureId: z.string().optional(),
  blocks: z.array(z.looseObject({ type: z.string() })).optional(),
  enabled: z.boolean().optional(),
  sessionId: z.string().nullish(),
  data: z.string().nullish(),
});

export type BenchlingCanvas = z.infer<typeof CanvasSchema>;
