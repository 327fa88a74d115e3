import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { BenchlingClient } from '../benchling/benchling-client.ts';
import type { BenchlingEntry } from '../benchling/api-schemas.ts';
import { BenchlingError, BenchlingErrorCode } from '../benchling/api-errors.ts';
import { isLinkedObjectKind } from '../benchling/linked-objects.ts';
import { readZipEntries } from '../benchling/zip-entries.ts';
import { DEFAULT_EXPORT_LIMITS, type ExportLimits } from '../config/export-limits.ts';
import { AppError } from '../errors/app-error.ts';
import { chunkedSha256 } from '../quilt/chunked-sha256.ts';
import { ChunkedSha256Stream } from '../quilt/hashing-stream.ts';
import { entryMeta, packageMeta, type Manifest, type ManifestEntry } from '../quilt/manifest.ts';
import { writeManifest } from '../quilt/manifest-writer.ts';
import { publishPackage } from '../quilt/publish-package.ts';
import { validatePackageName } from '../quilt/package-name.ts';
import { readLatest, type PackageRevision } from '../quilt/read-package.ts';
import { manifestKey, packageDataKey } from '../quilt/registry-layout.ts';
import { validateLogicalKey } from '../quilt/logical-key.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { entryLinks, entryReadme, linksDocument, type NamedLink } from './entry-documents.ts';
import { fieldEntities, resultsTables } from './entry-entities.ts';
import { entryData, entryJson } from './entry-json.ts';
import { commitMessage, inputDocument } from './package-provenance.ts';
import { APP_KEYS_PREFIX } from '../storage/app-keys.ts';
import { AttemptWrites, names } from './attempt-writes.ts';
import { checkPackageOwner } from './package-owner.ts';
import { entryPackageName } from './entry-package-name.ts';

/** Names this pipeline writes itself; an export file with one of these names moves under export/. */
const OWN_FILES = new Set(['entry.json', 'entry_data.json', 'input.json', 'README.md', 'links.json']);
/** Linked-object names cost one API call each: the rate budget caps how many a job may spend. */
const MAX_NAMED_LINKS = 20;
/**
 * Where a changed file waits while `latest` still names the bytes at its final key (direct
 * mode). Outside the package's data prefix, so nothing that lists a package's files sees it.
 */
export const STAGING_PREFIX = `${APP_KEYS_PREFIX}staging/`;

export interface PackagingDeps {
  client: BenchlingClient;
  store: ObjectStore;
  prefix: string;
  log: Logger;
  /** REGISTRY as configured (`s3://bucket` or a directory): input.json names it. */
  registry?: string | undefined;
  /** The canvas that shows the entry, if the app knows one: entry.json's `canvas_id`. */
  canvasOf?: ((entryId: string) => Promise<string | undefined>) | undefined;
  /** Integrated mode: hand the written prefix to Quilt's packaging engine instead of writing a manifest. */
  engine?: PackagingEngine | undefined;
  /** The Quilt catalog's host (QUILT_CATALOG): README.md and links.json may link there, and to the tenant. */
  catalog?: string | undefined;
  tempRoot?: string;
  /** What one export may cost; DEFAULT_EXPORT_LIMITS when not given. */
  limits?: ExportLimits | undefined;
}

export interface PackagingEngine {
  /** Removes what an earlier export left under the prefix, then sends the engine's message. */
  submit(request: { name: string; prefixKey: string; keep: Set<string>; commitMessage: string }): Promise<void>;
}

export interface PackagedEntry {
  name: string;
  /** '' when Benchling gave the entry none (the package is then named by the entry id). */
  displayId: string;
  /** Undefined in integrated mode: the engine computes it. */
  topHash?: string;
  /** false when the entry was unchanged: no new revision was written. */
  changed: boolean;
  files: { logicalKey: string; size: number }[];
}

/**
 * Says where each logical key is written: its final key, or a staging key (see placement()),
 * noting each key in the attempt's writes.
 */
type Place = (logicalKey: string) => string;

async function storeFile(
  deps: PackagingDeps,
  place: Place,
  logicalKey: string,
  body: NodeJS.ReadableStream,
  size: number,
): Promise<ManifestEntry> {
  const hasher = new ChunkedSha256Stream(size);
  const stored = deps.store.putStream(place(logicalKey), hasher, { size });
  try {
    await Promise.all([pipeline(body, hasher), stored]);
  } catch (error) {
    // A failed upload stops reading; without this the ZIP side would wait on backpressure forever.
    hasher.destroy();
    throw error;
  }
  const { hash } = hasher.result();
  return { logicalKey, physicalKey: (await stored).physicalKey, size, hash, meta: entryMeta() };
}

async function storeDocument(deps: PackagingDeps, place: Place, logicalKey: string, text: string): Promise<ManifestEntry> {
  const bytes = Buffer.from(text, 'utf8');
  const { physicalKey } = await deps.store.putObject(place(logicalKey), bytes);
  return {
    logicalKey,
    physicalKey,
    size: bytes.length,
    hash: { type: 'sha2-256-chunked', value: chunkedSha256(bytes) },
    meta: entryMeta(),
  };
}

async function nameLinks(deps: PackagingDeps, links: ReturnType<typeof entryLinks>): Promise<NamedLink[]> {
  const named: NamedLink[] = [];
  for (const [i, link] of links.entries()) {
    const { id, type } = link;
    const lookup = i < MAX_NAMED_LINKS && id !== undefined && type !== undefined && isLinkedObjectKind(type);
    const name = lookup ? await deps.client.getLinkedName(type, id) : undefined;
    named.push({ id: id ?? null, type: type ?? null, name: name ?? null, web_url: link.webURL ?? null });
  }
  return named;
}

/**
 * Streams every file of the export ZIP into the registry, hashing each as it passes. The
 * export is refused (see ExportLimits) before the first file is written.
 */
async function storeExport(deps: PackagingDeps, place: Place, entryId: string, dir: string): Promise<ManifestEntry[]> {
  const zip = await deps.client.exportEntryZip(entryId, dir, { limits: deps.limits ?? DEFAULT_EXPORT_LIMITS });
  const entries: ManifestEntry[] = [];
  const seen = new Set<string>();
  for await (const file of readZipEntries(zip.path)) {
    const logicalKey = OWN_FILES.has(file.path) ? `export/${file.path}` : file.path;
    validateLogicalKey(logicalKey);
    // A second file under one name would overwrite the first one's bytes, and no manifest can hold both.
    if (seen.has(logicalKey)) throw duplicateName(zip.path, logicalKey);
    seen.add(logicalKey);
    entries.push(await storeFile(deps, place, logicalKey, await file.open(), file.size));
  }
  return entries;
}

function duplicateName(zipPath: string, logicalKey: string): BenchlingError {
  return new BenchlingError(BenchlingErrorCode.ZIP_DUPLICATE_NAME, `The export ZIP ${zipPath} holds two files that would both be ${JSON.stringify(logicalKey)} in the package`, false);
}

/**
 * The package's `latest` revision, or undefined when it has none or it cannot be read as a
 * revision (a broken pointer or manifest names nothing that could still be kept whole). A
 * registry that does not answer fails the job: without `latest` neither its owner nor its
 * files are known.
 */
async function readPrevious(store: ObjectStore, name: string): Promise<PackageRevision | undefined> {
  try {
    return await readLatest(store, name);
  } catch (error) {
    if (error instanceof AppError && error.code.startsWith('quilt_')) return undefined;
    throw error;
  }
}

/**
 * Direct mode keeps `latest` whole at every instant. Data keys are not per revision
 * (`<prefix>/<displayId>/<path>`), so writing a changed file over a key the current `latest`
 * names would leave `latest` pointing at bytes that no longer match its hashes until the
 * job finishes — forever, if the job then fails. Such files are written to a staging key
 * first; everything else (new paths, integrated mode) goes straight to its final key.
 */
function placement(
  deps: PackagingDeps,
  name: string,
  previous: PackageRevision | undefined,
  writes: AttemptWrites,
): { place: Place; live: Map<string, ManifestEntry>; staging: string } {
  const staging = `${STAGING_PREFIX}${name}/${randomUUID()}/`;
  const live = new Map<string, ManifestEntry>();
  if (!deps.engine) {
    for (const e of previous?.manifest.entries ?? []) {
      if (names(deps.store, e.physicalKey, packageDataKey(name, e.logicalKey))) live.set(e.logicalKey, e);
    }
  }
  const place: Place = (logicalKey) => writes.note(live.has(logicalKey) ? staging + logicalKey : packageDataKey(name, logicalKey));
  return { place, live, staging };
}

/**
 * After the revision is published (naming staged bytes where a file changed): moves changed
 * files to their final keys, then rewrites the manifest with the final physical keys — the
 * top hash leaves physical keys out, so the file name and every pointer stay valid — then
 * removes the staging copies, ours and any a crashed earlier run left for this package.
 */
async function settleStaged(deps: PackagingDeps, name: string, topHash: string, manifest: Manifest, staging: string): Promise<void> {
  const entries: ManifestEntry[] = [];
  for (const e of manifest.entries) {
    const staged = e.logicalKey;
    if (!names(deps.store, e.physicalKey, staging + staged)) {
      entries.push(e);
      continue;
    }
    const body = await deps.store.getStream(staging + staged);
    if (!body) throw new Error(`staged file ${staging + staged} vanished before it was moved into place`);
    const { physicalKey } = await deps.store.putStream(packageDataKey(name, e.logicalKey), body, { size: e.size });
    entries.push({ ...e, physicalKey });
  }
  const final = writeManifest({ ...manifest, entries });
  const stored = await deps.store.getObject(manifestKey(topHash));
  if (!stored?.equals(final)) await deps.store.putObject(manifestKey(topHash), final);
  for await (const key of deps.store.listKeys(`${STAGING_PREFIX}${name}/`)) await deps.store.delete(key);
}

/**
 * One job: entry → export ZIP (on disk, never whole in memory) → each file streamed to
 * `<prefix>/<displayId>/<path>` (or staged, see placement(); entry-package-name.ts says when the
 * entry id stands in for the display id) while hashed → entry.json,
 * README.md, links.json → the manifest → the pointers. That order is what makes a crash
 * harmless: a pointer is only ever written after everything it names exists, and nothing
 * the current `latest` names is overwritten before a new `latest` names other bytes.
 */
export async function packageEntry(entryId: string, deps: PackagingDeps): Promise<PackagedEntry> {
  return packageFetchedEntry(await deps.client.getEntry(entryId), deps);
}

/**
 * packageEntry for an entry the caller has just read (it decided on it first). A package
 * whose `latest` belongs to another entry is refused before anything is written; a job that
 * fails part-way takes back the files it wrote (see AttemptWrites), unless a revision it
 * published may name them.
 */
export async function packageFetchedEntry(entry: BenchlingEntry, deps: PackagingDeps): Promise<PackagedEntry> {
  const name = entryPackageName(deps.prefix, entry);
  validatePackageName(name);
  const displayId = entry.displayId ?? '';
  const previous = await readPrevious(deps.store, name);
  checkPackageOwner(name, entry, previous);
  const writes = new AttemptWrites(deps.store, name);
  const { place, live, staging } = placement(deps, name, previous, writes);
  const dir = await mkdtemp(join(deps.tempRoot ?? tmpdir(), 'bw-job-'));
  // Once the engine may have the message, it may read any file under the prefix: they stay.
  let submitted = false;
  try {
    const exported = await storeExport(deps, place, entry.id, dir);
    const links = await nameLinks(deps, entryLinks(entry));
    const files = exported.map((e) => ({ logicalKey: e.logicalKey, key: packageDataKey(name, e.logicalKey), size: e.size }));
    const canvasId = await deps.canvasOf?.(entry.id);
    const metadata = entryJson(entry, { packageName: name, benchlingBaseUrl: deps.client.apiBase, files, links, canvasId });
    const targets = { tenant: deps.client.apiBase, catalog: deps.catalog };
    const structure = { fieldEntities: fieldEntities(entry), resultsTables: resultsTables(entry) };
    const input = inputDocument(entry, { name, registry: deps.registry ?? '', totalFiles: exported.length });
    const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
    const documents = await Promise.all([
      storeDocument(deps, place, 'entry.json', json(metadata)),
      storeDocument(deps, place, 'entry_data.json', json(entryData(entry))),
      storeDocument(deps, place, 'input.json', json(input)),
      storeDocument(deps, place, 'README.md', entryReadme(entry, links, exported.map((e) => e.logicalKey), targets)),
      storeDocument(deps, place, 'links.json', linksDocument(links, targets, structure)),
    ]);
    // A staged file whose bytes equal what its final key already holds needs no move.
    const entries = [...exported, ...documents].map((e) => {
      const before = live.get(e.logicalKey);
      const same = before !== undefined && before.size === e.size && before.hash.value === e.hash.value;
      return same ? { ...e, physicalKey: before.physicalKey } : e;
    });
    const listed = entries.map((e) => ({ logicalKey: e.logicalKey, size: e.size }));
    const message = commitMessage(entry);
    if (deps.engine) {
      const keep = new Set(entries.map((e) => packageDataKey(name, e.logicalKey)));
      // A send that fails may still have reached the engine.
      submitted = true;
      await deps.engine.submit({ name, prefixKey: `${name}/`, keep, commitMessage: message });
      return { name, displayId, changed: true, files: listed };
    }
    const manifest: Manifest = { meta: packageMeta({ userMeta: metadata as never, message }), entries };
    const result = await publishPackage(deps.store, { name, manifest });
    await settleStaged(deps, name, result.topHash, manifest, staging);
    deps.log.info({ package: name, topHash: result.topHash, changed: result.changed, files: listed.length }, 'package written');
    return { name, displayId, topHash: result.topHash, changed: result.changed, files: listed };
  } catch (error) {
    // A publish that failed may still have written its revision: removeUnnamed keeps what any revision names.
    if (!submitted) await writes.removeUnnamed(deps.log);
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
