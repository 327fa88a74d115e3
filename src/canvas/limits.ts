/**
 * How much of each user-supplied text or list the canvas shows. Benchling names, package
 * names and metadata have no useful upper bound; the canvas and its 5 KB state do.
 */
export const MAX_DISPLAY_ID = 100;
export const MAX_ENTRY_NAME = 200;
export const MAX_PACKAGE_NAME = 200;
export const MAX_LOGICAL_KEY = 200;
/** Button texts are plain text (no markdown), so only their length needs a bound. */
export const MAX_BUTTON_TEXT = 40;
/** The main view lists at most this many linked packages; the state keeps no more. */
export const MAX_LINKED_SHOWN = 50;
export const MAX_LINKED_BUTTONS = 5;
