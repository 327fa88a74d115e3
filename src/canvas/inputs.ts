/**
 * The plain data the views render. The worker fills these from the Benchling entry and the
 * package manifest; the router gets the state back from the canvas `data` field.
 */

export interface CanvasContext {
  /** The registry bucket (REGISTRY without `s3://`). */
  bucket: string;
  /** Catalog host (QUILT_CATALOG), normalised by catalogHost(); undefined: no catalog links. */
  catalog: string | undefined;
}

export interface EntrySummary {
  /** Benchling entry id (`etr_…`), also the canvas resourceId. */
  id: string;
  displayId: string;
  name: string;
}

/** The latest revision of the entry's own package. */
export interface PackageRevision {
  name: string;
  topHash: string;
  /** When that revision was written, ISO 8601. */
  updatedAt: string;
}

/** What the main and "Updating…" views show, and (shortened if needed) the canvas state. */
export interface CanvasState {
  entry: EntrySummary;
  /** Absent until the entry has been packaged. */
  package?: PackageRevision;
  /** Names of packages linked to the entry. */
  linked: string[];
  /** Linked packages known but not listed in `linked` (dropped to keep the state small). */
  linkedOmitted?: number;
}

export interface PackageFile {
  logicalKey: string;
  size: number;
}

/** What the file browser needs of a manifest (own or linked package). */
export interface PackageListing {
  name: string;
  files: readonly PackageFile[];
}

/** What the metadata view needs of a manifest: its `user_meta`, any JSON. */
export interface PackageMetadata {
  name: string;
  userMeta: unknown;
}
