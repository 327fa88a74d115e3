import { z } from 'zod';

/**
 * What Benchling accepts for app canvases, as its published OpenAPI contract states it
 * (`AppCanvasCreate`, `AppCanvasUpdate` and the UI block schemas; reference §5.5): the same
 * required fields, types, enums and limits, closed where the contract is closed (the canvas
 * body itself, a MARKDOWN block) and open where it is not. The one limit added is the
 * contract's own prose: `data` under 5 KB. A test checks this against the contract, so the
 * sandbox refuses exactly the bodies Benchling would.
 */

const interactive = { id: z.string(), enabled: z.boolean().nullable().optional() };
const userInput = { ...interactive, label: z.string().max(50).nullable().optional(), required: z.boolean().nullable().optional() };
const single = { ...userInput, value: z.string().nullable() };
const multi = { ...userInput, value: z.array(z.string()).nullable() };
const placeholder = z.string().nullable().optional();

const dropdown = { dropdownId: z.string(), placeholder };
const itemType = z.enum(['dna_sequence', 'dna_oligo', 'aa_sequence', 'custom_entity', 'mixture', 'box', 'container', 'location', 'plate', 'worklist']);
const search = { itemType, schemaId: z.string().nullable(), placeholder };
const selector = { options: z.array(z.string()), placeholder };

const markdown = z.strictObject({ type: z.literal('MARKDOWN'), value: z.string(), id: z.string().optional() });
const button = z.looseObject({ type: z.literal('BUTTON'), ...interactive, text: z.string() });
const chip = z.looseObject({ type: z.literal('CHIP'), value: z.string(), id: z.string().optional() });
const textInput = z.looseObject({ type: z.literal('TEXT_INPUT'), ...single, placeholder });
const fileUpload = z.looseObject({
  type: z.literal('FILE_UPLOAD'),
  ...multi,
  fileTypes: z.array(z.string()).optional(),
  maxFiles: z.number().int().max(10).optional(),
});

const leafBlock = z.discriminatedUnion('type', [
  markdown,
  button,
  chip,
  textInput,
  fileUpload,
  z.looseObject({ type: z.literal('DROPDOWN'), ...single, ...dropdown }),
  z.looseObject({ type: z.literal('DROPDOWN_MULTIVALUE'), ...multi, ...dropdown }),
  z.looseObject({ type: z.literal('SEARCH_INPUT'), ...single, ...search }),
  z.looseObject({ type: z.literal('SEARCH_INPUT_MULTIVALUE'), ...multi, ...search }),
  z.looseObject({ type: z.literal('SELECTOR_INPUT'), ...single, ...selector }),
  z.looseObject({ type: z.literal('SELECTOR_INPUT_MULTIVALUE'), ...multi, ...selector }),
]);

const tableSource = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('DATASET'), datasetId: z.string().nullable() }),
  z.looseObject({ type: z.literal('DATA_FRAME'), dataFrameId: z.string().nullable() }),
]);
const table = z.looseObject({ type: z.literal('TABLE'), ...interactive, name: z.string(), source: tableSource });
/** A section renders one row of leaf blocks: no nested sections, no tables. */
const section = z.looseObject({ type: z.literal('SECTION'), id: z.string().optional(), children: z.array(leafBlock) });

export const CanvasBlockSchema = z.discriminatedUnion('type', [...leafBlock.options, table, section]);

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

export const CanvasCreateSchema = z.strictObject({
  appId: z.string(),
  featureId: z.string(),
  resourceId: z.string(),
  blocks: z.array(CanvasBlockSchema),
  ...optionalFields,
});

export const CanvasUpdateSchema = z.strictObject({
  blocks: z.array(CanvasBlockSchema).optional(),
  featureId: z.string().optional(),
  resourceId: z.string().optional(),
  ...optionalFields,
});

export type CanvasBlock = z.infer<typeof CanvasBlockSchema>;
export type CanvasCreate = z.infer<typeof CanvasCreateSchema>;
export type CanvasUpdate = z.infer<typeof CanvasUpdateSchema>;
