import { markdownBlock, type CanvasView } from './blocks.ts';
import { actionButton, buttonRow } from './buttons.ts';
import { entryTitle } from './entry-view.ts';
import type { CanvasState } from './inputs.ts';
import { escapeMarkdown } from './markdown.ts';
import { encodeCanvasState } from './state.ts';

/**
 * What went wrong and what to do, from a closed list: the view never shows free text from an
 * exception, so no stack trace, path or secret value can reach a user's screen.
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
} as const satisfies Record<string, { title: string; cause: string; advice: string }>;

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
  const { title, cause, advice } = PROBLEMS[input.problem];
  const entry = input.state === undefined ? [] : [`Entry ${entryTitle(input.state)}`, ''];
  const reference = input.reference !== undefined && REFERENCE.test(input.reference) ? ['', `*Reference: ${escapeMarkdown(input.reference)}*`] : [];
  return [`## ⚠️ ${title}`, '', ...entry, cause, '', `**What to do:** ${advice}`, ...reference];
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
