import { Command } from 'commander';
import { main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { addSecretOptions } from '../../src/cli/secret-options.ts';
import { AppError } from '../../src/errors/app-error.ts';
import { runCli, type CliRun } from '../support/cli-harness.ts';
import { captured } from '../support/leak-guard.ts';

function sink() {
  const parts: string[] = [];
  return { write: (text: string) => parts.push(text), text: () => parts.join('') };
}

async function mainHasSynth(): Promise<boolean> {
  const out = sink();
  await main(['--help'], { stdout: out, stderr: out, logs: out, env: {} } as unknown as CliIo);
  return /^\s+synth\b/m.test(out.text());
}

const registered = await mainHasSynth();

/** The registration the lead adds to main.ts, on a program of the tests' own until then. */
async function runUnregistered(argv: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  const { addSynthOptions, synth } = await import('../../src/cli/synth.ts');
  const stdout = sink();
  const stderr = sink();
  const io = { stdout, stderr, logs: stderr, env } as unknown as CliIo;
  let code = 0;
  const program = new Command('benchling-webhook')
    .exitOverride()
    .configureOutput({ writeOut: (s) => stdout.write(s), writeErr: (s) => stderr.write(s) });
  addSynthOptions(addSecretOptions(program.command('synth'))).action(async (options) => {
    code = await synth(options, io);
  });
  try {
    await program.parseAsync(['synth', ...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    stderr.write(`error [${error.code}]: ${error.message}\n`);
    code = error.exitCode;
  }
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** `benchling-webhook synth ARGV` in process, with exactly `env`: no AWS credentials unless the test gives them. */
export async function runSynth(argv: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  if (registered) return runCli(['synth', ...argv], env);
  const run = await runUnregistered(argv, env);
  captured('synth stdout', run.stdout);
  captured('synth stderr', run.stderr);
  return run;
}
