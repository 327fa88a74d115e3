export interface FieldDiff {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
}

/** Which keys a write changes, by name only: the values stay out of every output. */
export function diffSecretFields(before: unknown, after: Record<string, unknown>): FieldDiff {
  const old = typeof before === 'object' && before !== null && !Array.isArray(before) ? (before as Record<string, unknown>) : {};
  const diff: FieldDiff = { added: [], changed: [], removed: [], unchanged: [] };
  for (const [key, value] of Object.entries(after)) {
    if (!(key in old)) diff.added.push(key);
    else if (JSON.stringify(old[key]) !== JSON.stringify(value)) diff.changed.push(key);
    else diff.unchanged.push(key);
  }
  for (const key of Object.keys(old)) if (!(key in after)) diff.removed.push(key);
  return diff;
}

export function hasChanges(diff: FieldDiff): boolean {
  return diff.added.length + diff.changed.length + diff.removed.length > 0;
}

/** The changes in one line, such as `added app_definition_id; changed client_secret`. */
export function describeChanges(changes: FieldDiff): string {
  const parts = (['added', 'changed', 'removed'] as const)
    .filter((kind) => changes[kind].length > 0)
    .map((kind) => `${kind} ${changes[kind].join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'no field changes';
}
