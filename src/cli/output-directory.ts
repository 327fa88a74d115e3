import { UsageError } from '../errors/app-error.ts';
import { directoryProblem } from '../storage/writable-directory.ts';

/**
 * `--out` (synth, deploy) is checked before any synth starts: the CDK would otherwise fail
 * deep inside, with a trace, or wait on a path it cannot make.
 */
export async function assertOutputDirectory(outdir: string): Promise<void> {
  const problem = await directoryProblem(outdir);
  if (problem) throw new UsageError('OUT_NOT_WRITABLE', `--out: ${problem}: pass --out a directory you can write to`);
}
