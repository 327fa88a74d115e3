import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { BenchlingClient } from '../benchling/benchling-client.ts';
import { isLinkedObjectKind } from '../benchling/linked-objects.ts';
import { readZipEntries } from '../benchling/zip-entries.ts';
import { chunkedSha256 } from '../quilt/chunked-sha256.ts';
import { ChunkedSha256Stream } from '../quilt/hashing-stream.ts';
import { entryMeta, packageMeta, type ManifestEntry } from '../quilt/manifest.ts';
import { publishPackage } from '../quilt/publish-package.ts';
import { validatePackageName } from '../quilt/package-name.ts';
import { packageDataKey } from '../quilt/registry-layout.ts';
import { validateLogicalKey } from '../quilt/logical-key.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { entryLinks, entryMetadata, entryReadme, linksDocument, type NamedLink } from './entry-documents.ts';

/** Names this pipeline writes itself; an export file with one of these names moves under export/. */
const OWN_FILES = new Set(['entry.json', 'README.md', 'links.json']);
/** Linked-object names cost one API call each: the rate budget caps how many a job may spend. */
const MAX_NAMED_LINKS = 20;

export interface PackagingDeps {
  client: BenchlingClient;
  store: ObjectStore;
  prefix: string;
  log: Logger;
  /** Integrated mode: hand the written prefix to Quilt's packaging engine instead of writing a manifest. */
  engine?: PackagingEngine | undefined;
  tempRoot?: string;
}

export interface PackagingEngine {
  /** Removes what an earlier export left under the prefix, then sends the engine's message. */
  submit(request: { name: string; prefixKey: string; keep: Set<string>; commitMessage: string }): Promise<void>;
}

export interface PackagedEntry {
  name: string;
  displayId: string;
  /** Undefined in integrated mode: the engine computes it. */
  topHash?: string;
  /** false when the entry was unchanged: no new revision was written. */
  changed: boolean;
  files: { logicalKey: string; size: number }[];
}

async function storeFile(
  deps: PackagingDeps,
  name: string,
  logicalKey: string,
  body: NodeJS.ReadableStream,
  size: number,
): Promise<ManifestEntry> {
  const hasher = new ChunkedSha256Stream(size);
  const stored = deps.store.putStream(packageDataKey(name, logicalKey), hasher, { size });
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

async function storeDocument(deps: PackagingDeps, name: string, logicalKey: string, text: string): Promise<ManifestEntry> {
  const bytes = Buffer.from(text, 'utf8');
  const { physicalKey } = await deps.store.putObject(packageDataKey(name, logicalKey), bytes);
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
    const lookup = i < MAX_NAMED_LINKS && isLinkedObjectKind(link.type);
    const name = lookup ? await deps.client.getLinkedName(link.type as never, link.id) : undefined;
    named.push({ id: link.id, type: link.type, name: name ?? null, web_url: link.webURL ?? null });
  }
  return named;
}

/** Streams every file of the export ZIP into the registry, hashing each as it passes. */
async function storeExport(deps: PackagingDeps, name: string, entryId: string, dir: string): Promise<ManifestEntry[]> {
  const zip = await deps.client.exportEntryZip(entryId, dir);
  const entries: ManifestEntry[] = [];
  for await (const file of readZipEntries(zip.path)) {
    const logicalKey = OWN_FILES.has(file.path) ? `export/${file.path}` : file.path;
    validateLogicalKey(logicalKey);
    entries.push(await storeFile(deps, name, logicalKey, await file.open(), file.size));
  }
  return entries;
}

/**
 * One job: entry → export ZIP (on disk, never whole in memory) → each file streamed to
 * `<prefix>/<displayId>/<path>` while hashed → entry.json, README.md, links.json → the
 * manifest → the pointers. That order is what makes a crash harmless: a pointer is only
 * ever written after everything it names exists.
 */
export async function packageEntry(entryId: string, deps: PackagingDeps): Promise<PackagedEntry> {
  const entry = await deps.client.getEntry(entryId);
  const name = `${deps.prefix}/${entry.displayId}`;
  validatePackageName(name);
  const dir = await mkdtemp(join(deps.tempRoot ?? tmpdir(), 'bw-job-'));
  try {
    const exported = await storeExport(deps, name, entry.id, dir);
    const links = await nameLinks(deps, entryLinks(entry));
    const metadata = entryMetadata(entry);
    const fileNames = exported.map((e) => e.logicalKey);
    const documents = await Promise.all([
      storeDocument(deps, name, 'entry.json', `${JSON.stringify(metadata, null, 2)}\n`),
      storeDocument(deps, name, 'README.md', entryReadme(entry, links, fileNames)),
      storeDocument(deps, name, 'links.json', linksDocument(links)),
    ]);
    const entries = [...exported, ...documents];
    const files = entries.map((e) => ({ logicalKey: e.logicalKey, size: e.size }));
    const message = `Benchling entry ${entry.displayId}, modified ${entry.modifiedAt}`;
    if (deps.engine) {
      const keep = new Set(entries.map((e) => packageDataKey(name, e.logicalKey)));
      await deps.engine.submit({ name, prefixKey: `${name}/`, keep, commitMessage: message });
      return { name, displayId: entry.displayId, changed: true, files };
    }
    const manifest = { meta: packageMeta({ userMeta: metadata as never, message }), entries };
    const published = await publishPackage(deps.store, { name, manifest });
    deps.log.info({ package: name, topHash: published.topHash, changed: published.changed, files: files.length }, 'package written');
    return { name, displayId: entry.displayId, topHash: published.topHash, changed: published.changed, files };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
