import { z } from 'zod';

/**
 * What Benchling accepts for app canvases (reference §5.5). Required fields and the limits
 * the docs state are enforced; fields the app may add beyond those are tolerated.
 */
const id = z.string().min(1);

const markdown = z.looseObject({ type: z.literal('MARKDOWN'), value: z.string(), id: id.optional() });
const button = z.looseObject({ type: z.literal('BUTTON'), id, text: z.string().min(1), enabled: z.boolean().optional() });
const textInput = z.looseObject({
  type: z.literal('TEXT_INPUT'),
  id,
  value: z.string().nullable(),
  label: z.string().max(50).optional(),
  placeholder: z.string().optional(),
  required: z.boolean().optional(),
  enabled: z.boolean().optional(),
});
const chip = z.looseObject({ type: z.literal('CHIP'), value: z.string(), id: id.optional() });
const other = (type: string) => z.looseObject({ type: z.literal(type), id: id.optional() });

const leafBlock = z.discriminatedUnion('type', [
  markdown,
  button,
  textInput,
  chip,
  other('DROPDOWN'),
  other('DROPDOWN_MULTIVALUE'),
  other('SEARCH_INPUT'),
  other('SEARCH_INPUT_MULTIVALUE'),
  other('SELECTOR_INPUT'),
  other('SELECTOR_INPUT_MULTIVALUE'),
  other('FILE_UPLOAD'),
]);

const table = z.looseObject({ type: z.literal('TABLE'), name: z.string(), source: z.looseObject({}), id: id.optional() });
/** A section renders one row of leaf blocks: no nested sections, no tables. */
const section = z.looseObject({ type: z.literal('SECTION'), id: id.optional(), children: z.array(leafBlock) });

export const CanvasBlockSchema = z.union([leafBlock, table, section]);

/** Hidden app state: a string, and Benchling caps it at 5 KB (taken as 5000 bytes, the stricter reading). */
export const CANVAS_DATA_LIMIT_BYTES = 5000;
const data = z
  .string()
  .refine((s) => Buffer.byteLength(s) < CANVAS_DATA_LIMIT_BYTES, { message: `must be smaller than ${CANVAS_DATA_LIMIT_BYTES} bytes` })
  .nullable();

const optionalFields = {
  enabled: z.boolean().optional(),
  sessionId: z.string().nullable().optional(),
  data: data.optional(),
};

export const CanvasCreateSchema = z.looseObject({
  appId: id,
  featureId: id,
  resourceId: id,
  blocks: z.array(CanvasBlockSchema),
  ...optionalFields,
});

export const CanvasUpdateSchema = z.looseObject({
  blocks: z.array(CanvasBlockSchema).optional(),
  featureId: id.optional(),
  resourceId: id.optional(),
  ...optionalFields,
});

export type CanvasBlock = z.infer<typeof CanvasBlockSchema>;
export type CanvasCreate = z.infer<typeof CanvasCreateSchema>;
export type CanvasUpdate = z.infer<typeof CanvasUpdateSchema>;
