import { escapeMarkdown } from './markdown.ts';
import { truncateText } from './text.ts';

/**
 * A package's `user_meta` as nested markdown lists. Metadata is user data of any size and
 * depth, so keys, values, depth and line count are all bounded.
 */

export const MAX_METADATA_LINES = 150;
export const MAX_METADATA_DEPTH = 5;
const MAX_KEY = 80;
const MAX_VALUE = 200;

type Container = Record<string, unknown> | unknown[];

const isContainer = (value: unknown): value is Container => typeof value === 'object' && value !== null;

/** Arrays are numbered from 1, as people count. */
const children = (value: Container): [string, unknown][] =>
  Array.isArray(value) ? value.map((item, index) => [String(index + 1), item]) : Object.entries(value);

function scalar(value: unknown): string {
  if (typeof value === 'string') return value === '' ? '*(empty)*' : escapeMarkdown(truncateText(value, MAX_VALUE));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return '*null*';
  if (isContainer(value)) return '*(empty)*';
  return '*(not shown)*';
}

interface Walk {
  lines: string[];
  truncated: boolean;
}

function walk(entries: [string, unknown][], depth: number, out: Walk): void {
  for (const [key, value] of entries) {
    if (out.lines.length >= MAX_METADATA_LINES) {
      out.truncated = true;
      return;
    }
    const label = `${'  '.repeat(depth)}- **${escapeMarkdown(truncateText(key, MAX_KEY))}:**`;
    const nested = isContainer(value) ? children(value) : [];
    if (nested.length === 0) out.lines.push(`${label} ${scalar(value)}`);
    else if (depth + 1 >= MAX_METADATA_DEPTH) out.lines.push(`${label} *(nested deeper than shown here)*`);
    else {
      out.lines.push(label);
      walk(nested, depth + 1, out);
    }
  }
}

export function metadataLines(userMeta: unknown): string[] {
  const entries = isContainer(userMeta) && !Array.isArray(userMeta) ? children(userMeta) : [];
  if (entries.length === 0) return ['This package has no metadata.'];
  const out: Walk = { lines: [], truncated: false };
  walk(entries, 0, out);
  return out.truncated ? [...out.lines, '', '*More metadata is not shown here.*'] : out.lines;
}
