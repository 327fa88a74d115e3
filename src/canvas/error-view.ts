import { markdownBlock, type CanvasView } from './blocks.ts';
import { actionButton, buttonRow } from './buttons.ts';
import { entryTitle } from './entry-view.ts';
import type { CanvasState } from './inputs.ts';
import { escapeMarkdown } from './markdown.ts';
import { encodeCanvasState } from './state.ts';

/**
 * What went wrong and what to do, from a closed list: the view never shows free text from an
 * exception, so no stack trace, path or secret value can reach a user's screen. A problem
 * that is a refusal also shows its reason, the name an administrator finds in the log.
 */

const PROBLEMS = {
  'button-unknown': {
    title: 'This button is not recognised',
    cause: 'The canvas may have been drawn by an older version of the app.',
    advice: 'Press **Update package** to redraw it.',
  },
  'button-other-entry': {
    title: 'This button belongs to another entry',
    cause: 'The canvas content does not match the entry it is in.',
    advice: 'Press **Update package** to redraw the canvas for this entry.',
  },
  'state-missing': {
    title: 'The canvas lost its saved state',
    cause: 'The app could not read what this canvas was showing.',
    advice: 'Press **Update package** to redraw it.',
  },
  'package-missing': {
    title: 'The package was not found',
    cause: 'It has not been created yet, or it was removed from the registry.',
    advice: 'Press **Update package** to create it.',
  },
  'export-failed': {
    title: 'The entry could not be exported',
    cause: 'Benchling did not finish exporting this entry.',
    advice: 'Press **Update package** to try again. If it keeps failing, ask an administrator to check the app logs.',
  },
  'benchling-unavailable': {
    title: 'Benchling could not be reached',
    cause: 'The app could not read this entry from Benchling.',
    advice: 'Wait a minute, then press **Update package**.',
  },
  'benchling-answer-unusable': {
    title: "Benchling's answer could not be used",
    cause: 'Benchling answered, but without something the app needs to package this entry.',
    advice: 'Press **Update package** to try again. If it keeps failing, ask an administrator to check the app logs for `BENCHLING_BAD_RESPONSE`.',
  },
  'registry-unavailable': {
    title: 'The package registry could not be reached',
    cause: 'The app could not read or write the Quilt registry bucket.',
    advice: "Ask an administrator to check the app's configuration (bucket name and permissions).",
  },
  'queue-unavailable': {
    title: 'The update could not be queued',
    cause: 'The app could not record the packaging job.',
    advice: 'Wait a minute, then press **Update package**.',
  },
  'export-too-large': {
    title: 'The export is too large to package',
    cause: "Benchling's export of this entry is larger than the app is set to download.",
    advice: 'Move large attachments out of the entry, or ask an administrator to raise the export limits (operations guide, "Limits").',
    reason: 'export_too_large',
  },
  'export-uncompressed-too-large': {
    title: 'The export is too large to package',
    cause: "The files in this entry's export add up to more than the app is set to unpack.",
    advice: 'Move large attachments out of the entry, or ask an administrator to raise the export limits (operations guide, "Limits").',
    reason: 'export_uncompressed_too_large',
  },
  'export-too-many-files': {
    title: 'The export has too many files',
    cause: "This entry's export holds more files than the app is set to package.",
    advice: 'Split the entry, or ask an administrator to raise the export limits (operations guide, "Limits").',
    reason: 'export_too_many_files',
  },
  'zip-bomb': {
    title: 'The export was refused as unsafe',
    cause: 'A file in the export would expand far more than real data does.',
    advice: 'Remove the attachment that is not what it seems (the app logs name it), then press **Update package**.',
    reason: 'zip_bomb',
  },
  'zip-overlapping-entries': {
    title: 'The export was refused as unsafe',
    cause: "The export's ZIP file is malformed: several files in it share the same bytes.",
    advice: 'Ask an administrator to check the app logs; the export is not packaged as it is.',
    reason: 'zip_overlapping_entries',
  },
  'package-owned-by-other-entry': {
    title: 'Another entry already has this package',
    cause: "A package under this entry's display ID belongs to a different Benchling entry, and it is never overwritten.",
    advice: 'Ask an administrator to resolve the name clash (operations guide, "A package that belongs to another entry").',
    reason: 'package_owned_by_other_entry',
  },
  configuration: {
    title: 'The app is not fully configured',
    cause: 'A required setting or credential is missing or invalid.',
    advice: 'Ask an administrator to run `benchling-webhook validate` and fix what it reports.',
  },
  internal: {
    title: 'Something went wrong',
    cause: 'The app hit an unexpected error.',
    advice: 'Press **Update package** to try again. If it keeps failing, ask an administrator to check the app logs.',
  },
} as const satisfies Record<string, { title: string; cause: string; advice: string; reason?: string }>;

export type CanvasProblem = keyof typeof PROBLEMS;
export const CANVAS_PROBLEMS = Object.keys(PROBLEMS) as CanvasProblem[];

// A job or request id, for matching the screen with the logs; anything else is dropped.
const REFERENCE = /^[A-Za-z0-9_-]{1,64}$/;

export interface ErrorViewInput {
  /** The canvas resourceId: the Update button re-queues this entry. */
  entryId: string;
  /** The last good state, when known; enables "Back to entry". */
  state?: CanvasState;
  problem: CanvasProblem;
  reference?: string;
}

function errorLines(input: ErrorViewInput): string[] {
  const problem: { title: string; cause: string; advice: string; reason?: string } = PROBLEMS[input.problem];
  const entry = input.state === undefined ? [] : [`Entry ${entryTitle(input.state)}`, ''];
  const reason = problem.reason === undefined ? [] : ['', `*Reason: \`${problem.reason}\`*`];
  const reference = input.reference !== undefined && REFERENCE.test(input.reference) ? ['', `*Reference: ${escapeMarkdown(input.reference)}*`] : [];
  return [`## ⚠️ ${problem.title}`, '', ...entry, problem.cause, '', `**What to do:** ${problem.advice}`, ...reason, ...reference];
}

/** The problem that shows a refusal's reason, if one does. */
export function problemOfReason(reason: string): CanvasProblem | undefined {
  return CANVAS_PROBLEMS.find((p) => (PROBLEMS[p] as { reason?: string }).reason === reason);
}

export function errorView(input: ErrorViewInput): CanvasView {
  const { entryId, state } = input;
  return {
    blocks: [
      markdownBlock('error', errorLines(input)),
      ...buttonRow('error-buttons', [
        ...actionButton({ action: 'update', entryId }, 'Update package'),
        ...(state === undefined ? [] : actionButton({ action: 'back', entryId }, 'Back to entry')),
      ]),
    ],
    data: state === undefined ? null : encodeCanvasState(state),
  };
}
