import pino, { type Logger } from 'pino';
import { chunkedSha256 } from '../../src/quilt/chunked-sha256.ts';
import { readPointer, readRevision } from '../../src/quilt/read-package.ts';
import { NAMED_PACKAGES_PREFIX, packageDataKey } from '../../src/quilt/registry-layout.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';

/**
 * The registry invariants of DESIGN.md "Quilt output", checked from the outside: every
 * pointer (revision or `latest`) names a manifest that exists, and every entry of each
 * package's latest manifest is stored with the size and sha2-256-chunked hash it records.
 * Returns the problems found (empty when consistent) and the packages' latest top hashes.
 */
export async function auditRegistry(store: ObjectStore, options: { midJob?: boolean } = {}): Promise<{ problems: string[]; latest: Map<string, string> }> {
  const problems: string[] = [];
  const latest = new Map<string, string>();
  for await (const key of store.listKeys(NAMED_PACKAGES_PREFIX)) {
    const pointer = await readPointer(store, key).catch((error: unknown) => {
      problems.push(`${key}: ${String(error)}`);
      return undefined;
    });
    if (pointer === undefined) continue;
    const revision = await readRevision(store, pointer).catch((error: unknown) => {
      problems.push(`${key} → ${pointer}: ${String(error)}`);
      return undefined;
    });
    if (!revision || !key.endsWith('/latest')) continue;
    const name = key.slice(NAMED_PACKAGES_PREFIX.length, -'/latest'.length);
    latest.set(name, pointer);
    // Mid-job (a process killed between publish and moving changed files into place) a revision
    // may name staged copies; once jobs are done every file is under the package's own prefix.
    const staged = new Map<string, string>();
    if (options.midJob) for await (const k of store.listKeys(`.benchling-webhook/staging/${name}/`)) staged.set(store.physicalKey(k), k);
    for (const entry of revision.manifest.entries) {
      const dataKey = staged.get(entry.physicalKey.split('?')[0]!) ?? packageDataKey(name, entry.logicalKey);
      const bytes = await readAll(store, dataKey);
      if (bytes === undefined) problems.push(`${name}@${pointer}: ${entry.logicalKey} is missing`);
      else if (bytes.length !== entry.size) problems.push(`${name}@${pointer}: ${entry.logicalKey} has ${bytes.length} bytes, the manifest says ${entry.size}`);
      else if (chunkedSha256(bytes) !== entry.hash.value) problems.push(`${name}@${pointer}: ${entry.logicalKey} does not match its hash`);
      if (!entry.physicalKey.startsWith(store.physicalKey(dataKey))) problems.push(`${name}@${pointer}: ${entry.logicalKey} points at ${entry.physicalKey}`);
    }
  }
  return { problems, latest };
}

export async function readAll(store: ObjectStore, key: string): Promise<Buffer | undefined> {
  const stream = await store.getStream(key);
  if (!stream) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A pino logger whose JSON lines are kept for assertions (what the process would log). */
export function capturingLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

/** Polls until check() is true; the deadline only ends a test that would otherwise hang. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
