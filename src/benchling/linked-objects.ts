/**
 * Kinds of Benchling objects that notes link to, with the GET-by-id collection that names them
 * (reference §5.2). Only these paths are ever built from a link's kind.
 */
export const LINKED_OBJECT_COLLECTIONS = {
  custom_entity: 'custom-entities',
  dna_sequence: 'dna-sequences',
  aa_sequence: 'aa-sequences',
  container: 'containers',
  box: 'boxes',
  plate: 'plates',
  location: 'locations',
  entry: 'entries',
} as const;

export type LinkedObjectKind = keyof typeof LINKED_OBJECT_COLLECTIONS;

export function isLinkedObjectKind(kind: string): kind is LinkedObjectKind {
  return Object.hasOwn(LINKED_OBJECT_COLLECTIONS, kind);
}
