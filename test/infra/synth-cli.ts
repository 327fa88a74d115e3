import { runCli, type CliRun } from '../support/cli-harness.ts';

/** `benchling-webhook synth ARGV` in process, with exactly `env`: no AWS credentials unless the test gives them. */
export async function runSynth(argv: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  return runCli(['synth', ...argv], env);
}
