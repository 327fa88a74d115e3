import { createHash } from 'node:crypto';
import { appendFile, chmod, copyFile, mkdir, mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Env } from '../config/env.ts';
import { profilePath } from '../config/profile.ts';
import { AppError } from '../errors/app-error.ts';

/**
 * Every deploy leaves a record next to the profile (`<profile>.history.jsonl`, one JSON
 * object a line) and a copy of the cloud assembly it deployed (`<profile>.history/<hash>/`,
 * the template and the asset manifest, not the Docker build context). `status --history`
 * shows the records; `deploy --rollback` deploys an earlier assembly again.
 */

export const DEPLOY_OUTCOMES = ['deployed', 'unchanged', 'failed', 'abandoned'] as const;

export const DeployRecordSchema = z.object({
  at: z.string().min(1),
  version: z.string().min(1),
  stackName: z.string().min(1),
  image: z.string().min(1),
  templateHash: z.string().regex(/^[0-9a-f]{64}$/),
  outcome: z.enum(DEPLOY_OUTCOMES),
  /** The stack's state before this deploy touched it; NONE when it did not exist. */
  previousState: z.string().min(1),
  /** Set on a `deploy --rollback`: the time of the record it went back to. */
  rollbackTo: z.string().optional(),
});

export type DeployRecord = z.infer<typeof DeployRecordSchema>;

export interface HistoryPaths {
  log: string;
  assemblies: string;
}

export function historyPaths(profileName: string, env: Env): HistoryPaths {
  const profile = profilePath(profileName, env);
  const base = profile.slice(0, -'.json'.length);
  return { log: `${base}.history.jsonl`, assemblies: `${base}.history` };
}

export function templateHash(template: string): string {
  return createHash('sha256').update(template).digest('hex');
}

export async function readTemplate(assemblyDir: string, stackName: string): Promise<string> {
  return readFile(join(assemblyDir, `${stackName}.template.json`), 'utf8');
}

/** The Docker image assets the assembly builds, by their content hash: what a built image is known by. */
export async function builtImageHashes(assemblyDir: string, stackName: string): Promise<string[]> {
  try {
    const manifest = JSON.parse(await readFile(join(assemblyDir, `${stackName}.assets.json`), 'utf8')) as { dockerImages?: Record<string, unknown> };
    return Object.keys(manifest.dockerImages ?? {});
  } catch {
    return [];
  }
}

/** Keeps the assembly's files (template, manifests), not its asset directories: an image is rebuilt from nothing on rollback, it is already in ECR. */
export async function saveAssembly(paths: HistoryPaths, hash: string, assemblyDir: string): Promise<void> {
  const target = join(paths.assemblies, hash);
  await mkdir(target, { recursive: true, mode: 0o700 });
  for (const entry of await readdir(assemblyDir, { withFileTypes: true })) {
    if (entry.isFile()) await copyFile(join(assemblyDir, entry.name), join(target, entry.name));
  }
}

/** A fresh copy of a recorded assembly to deploy from: the toolkit may write into the directory it is given. */
export async function restoreAssembly(paths: HistoryPaths, hash: string): Promise<string> {
  const source = join(paths.assemblies, hash);
  const exists = await stat(source).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!exists) throw new AppError('HISTORY_ASSEMBLY_MISSING', `the template of that deploy is no longer kept (${source} is missing): deploy the version you want with \`benchling-webhook deploy\``);
  const copy = await mkdtemp(join(tmpdir(), 'bw-rollback-'));
  for (const entry of await readdir(source, { withFileTypes: true })) {
    if (entry.isFile()) await copyFile(join(source, entry.name), join(copy, entry.name));
  }
  return copy;
}

export async function appendRecord(paths: HistoryPaths, record: DeployRecord): Promise<void> {
  await appendFile(paths.log, `${JSON.stringify(DeployRecordSchema.parse(record))}\n`, { mode: 0o600 });
  await chmod(paths.log, 0o600);
}

/** The records, oldest first; none when nothing was deployed from this profile yet. */
export async function readHistory(paths: HistoryPaths): Promise<DeployRecord[]> {
  let text: string;
  try {
    text = await readFile(paths.log, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new AppError('HISTORY_UNREADABLE', `cannot read the deploy history ${paths.log}: ${(error as Error).message}`);
  }
  return text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, number }) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        json = undefined;
      }
      const parsed = DeployRecordSchema.safeParse(json);
      if (!parsed.success) throw new AppError('HISTORY_INVALID', `line ${number} of the deploy history ${paths.log} is not a deploy record: fix or delete that line`);
      return parsed.data;
    });
}

const succeeded = (record: DeployRecord) => record.outcome === 'deployed' || record.outcome === 'unchanged';

/**
 * What `deploy --rollback` goes back to: the latest successful deploy is what runs now, so
 * the target is the successful one before it whose template differs (going back to the same
 * template would change nothing).
 */
export function rollbackTarget(records: readonly DeployRecord[]): DeployRecord | undefined {
  const successes = records.filter(succeeded);
  const current = successes.at(-1);
  if (!current) return undefined;
  return successes
    .slice(0, -1)
    .reverse()
    .find((record) => record.templateHash !== current.templateHash);
}

export function formatHistory(records: readonly DeployRecord[], profileName: string): string {
  if (records.length === 0) return `no deploys recorded for profile ${profileName} yet`;
  return [
    `deploys of profile ${profileName}, oldest first:`,
    ...records.map(
      (r) =>
        `  ${r.at}  ${r.outcome.padEnd(9)}  ${r.stackName}  v${r.version}  template ${r.templateHash.slice(0, 12)}  image ${r.image}  (was ${r.previousState})${r.rollbackTo ? `  rollback to ${r.rollbackTo}` : ''}`,
    ),
  ].join('\n');
}
