import { Refusal } from '../errors/refusal.ts';
import { isJsonObject } from '../quilt/json-value.ts';
import type { PackageRevision } from '../quilt/read-package.ts';
import { entryLabel } from './entry-package-name.ts';

export const PACKAGE_OWNED_BY_OTHER_ENTRY = 'package_owned_by_other_entry';

/**
 * A package is named after its entry's display id, which two entries can share (two tenants
 * or apps writing to one registry under one prefix, or an entry re-created after another was
 * deleted). Without this check the second entry's revision would silently replace the
 * first's. `latest` records its entry in user_meta.entry_id; a revision without one was not
 * written by this app and belongs to no entry.
 */
export function checkPackageOwner(name: string, entry: { id: string; displayId?: string | undefined }, latest: PackageRevision | undefined): void {
  const userMeta = latest?.manifest.meta.user_meta;
  const owner = isJsonObject(userMeta) && typeof userMeta.entry_id === 'string' ? userMeta.entry_id : undefined;
  if (owner === undefined || owner === entry.id) return;
  throw new Refusal(
    PACKAGE_OWNED_BY_OTHER_ENTRY,
    `The package ${name} belongs to Benchling entry ${owner}, not to entry ${entry.id}, which has the same display id ${entryLabel(entry)}; ` +
      'it is not overwritten. Give each tenant or app its own PACKAGE_PREFIX, or remove the other package if it is stale ' +
      '(docs/operations.md, "A package that belongs to another entry").',
  );
}
