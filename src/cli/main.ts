import { Command, CommanderError, Help } from 'commander';
import type { SettingKey } from '../config/settings.ts';
import { AppError } from '../errors/app-error.ts';
import { println, type CliIo, type TextSink } from './io.ts';
import type { CommonOptions } from './secret-options.ts';
import type { DemoOptions } from './demo.ts';
import type { InitOptions } from './init/options.ts';
import type { ManifestOptions } from './manifest.ts';
import type { SynthOptions } from './synth.ts';
import type { SyncOptions } from './secrets-sync.ts';
import type { ValidateOptions } from './validate.ts';
import type { DeployOptions } from './deploy.ts';
import type { StatusOptions } from './status.ts';
import type { LogsOptions } from './logs.ts';
import type { DestroyOptions } from './destroy.ts';
import type { ServeOptions } from './serve-settings.ts';
import { VERSION } from './version.ts';

type Action<O> = (options: O, io: CliIo) => Promise<number>;

/**
 * What declares the commands' options. Their modules load the settings' schemas and the
 * secret's parsers, which take several times Node's own start: they are loaded only when
 * the command line names a command (to run it, or to show its own help).
 */
interface OptionBuilders {
  addSecretOptions(command: Command): Command;
  addInitOptions(command: Command): Command;
  addSynthOptions(command: Command): Command;
  addStackOptions(command: Command): Command;
  addSettingOptions(command: Command, keys: readonly SettingKey[]): Command;
  SERVE_SETTINGS: readonly SettingKey[];
  SERVICE_HTTP_SETTINGS: readonly SettingKey[];
}

async function loadOptionBuilders(): Promise<OptionBuilders> {
  const [secret, init, synth, stack, serve, setting] = await Promise.all([
    import('./secret-options.ts'),
    import('./init/options.ts'),
    import('./synth.ts'),
    import('../operate/stack-options.ts'),
    import('./serve-settings.ts'),
    import('./setting-options.ts'),
  ]);
  return {
    addSecretOptions: secret.addSecretOptions,
    addInitOptions: init.addInitOptions,
    addSynthOptions: synth.addSynthOptions,
    addStackOptions: stack.addStackOptions,
    addSettingOptions: setting.addSettingOptions,
    SERVE_SETTINGS: serve.SERVE_SETTINGS,
    SERVICE_HTTP_SETTINGS: serve.SERVICE_HTTP_SETTINGS,
  };
}

/** For the list of commands alone (`--help`): each command is only marked as taking options, which the list shows. */
function optionsDeclaredLater(marked: WeakSet<Command>): OptionBuilders {
  const mark = (command: Command): Command => (marked.add(command), command);
  return {
    addSecretOptions: mark,
    addInitOptions: mark,
    addSynthOptions: mark,
    addStackOptions: mark,
    addSettingOptions: mark,
    SERVE_SETTINGS: [],
    SERVICE_HTTP_SETTINGS: [],
  };
}

interface Terminal {
  stdout: TextSink;
  stderr: TextSink;
}

/**
 * Each command imports its implementation only when it runs, so a quick refusal (a bad
 * secret) never pays for loading modules that another command needs.
 */
function buildProgram(terminal: Terminal, commandIo: () => Promise<CliIo>, setExit: (code: number) => void, builders: OptionBuilders): Command {
  const { addSecretOptions, addInitOptions, addSynthOptions, addStackOptions, addSettingOptions, SERVE_SETTINGS, SERVICE_HTTP_SETTINGS } = builders;
  const program = new Command('benchling-webhook')
    .description('Benchling notebook entries to Quilt packages: set up, validate, deploy and run')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => terminal.stdout.write(s), writeErr: (s) => terminal.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');

  const run =
    <O>(load: () => Promise<Action<O>>) =>
    async (options: O) =>
      setExit(await (await load())(options, await commandIo()));

  addInitOptions(addSecretOptions(program.command('init')))
    .description('set up a profile: AWS, the Benchling app, bucket, network; interactive, or --yes with flags')
    .action(run<InitOptions>(async () => (await import('./init/wizard.ts')).init));

  const secrets = program.command('secrets').description('check and store the Benchling secret');
  addSecretOptions(secrets.command('check'))
    .description('parse and validate the secret from any input form; exit 1 if a field is missing')
    .option('--json', 'print the report as JSON')
    .action(run<CommonOptions>(async () => (await import('./secrets-check.ts')).secretsCheck));
  addSecretOptions(secrets.command('sync'))
    .description('validate the secret, then create or update it in Secrets Manager and record its ARN')
    .option('--secret-name <name>', 'Secrets Manager name to write (default benchling-webhook/<profile>)')
    .option('--json', 'print the result as JSON')
    .action(run<SyncOptions>(async () => (await import('./secrets-sync.ts')).secretsSync));

  addSettingOptions(addSecretOptions(program.command('serve')), [...SERVE_SETTINGS, ...SERVICE_HTTP_SETTINGS])
    .description('run the webhook service and the packaging worker in one process')
    .option('--host <host>', 'interface to listen on', '0.0.0.0')
    .option('--secret-ttl <seconds>', 're-read the secret this often', '60')
    .option('--insecure-skip-verify', 'accept unsigned webhooks (local experiments only; refused in production)')
    .option('--no-worker', 'run only the webhook service (the worker runs elsewhere, as on AWS)')
    .action(run<ServeOptions>(async () => (await import('./serve.ts')).serve));

  addSettingOptions(addSecretOptions(program.command('worker')), SERVE_SETTINGS)
    .description('run only the packaging worker (the second container on AWS)')
    .option('--secret-ttl <seconds>', 're-read the secret this often', '60')
    .action(run<ServeOptions>(async () => (await import('./worker.ts')).worker));

  addSettingOptions(addSecretOptions(program.command('validate')), ['registry', 'benchlingApiUrl', 'benchlingJwksUrl'])
    .description('the pre-deploy gate: secret (read back from AWS), Benchling OAuth, JWKS, registry, template rules')
    .option('--offline', 'skip the checks that need the network')
    .option('--secret-kms-key-arn <arn>', "the KMS key the Benchling secret is encrypted with, when not Secrets Manager's default")
    .option('--json', 'print the checklist as JSON')
    .action(run<ValidateOptions>(async () => (await import('./validate.ts')).validate));

  const deployCommand = addSynthOptions(addSettingOptions(addSecretOptions(program.command('deploy')), ['registry', 'benchlingApiUrl', 'benchlingJwksUrl']))
    .description('validate, then secrets sync, synth and deploy the stack while watching its ECS tasks; --dry-run prints the plan and touches nothing')
    .option('--dry-run', 'print the plan: secret name and fields, stack, template; write nothing')
    .option('--offline', 'skip the gate checks that need the network')
    .option('--secret-name <name>', 'Secrets Manager name to write (default benchling-webhook/<profile>)')
    .option('--poll-interval <seconds>', 'how often to look for stopped ECS tasks while the stack deploys', '10')
    .option('--max-task-failures <n>', 'stop waiting after this many failed ECS tasks; the circuit breaker rolls back', '3')
    .option('--require-approval <level>', 'never: deploy IAM changes unattended; broadening: refuse changes that widen IAM permissions', 'never')
    .action(run<DeployOptions>(async () => (await import('./deploy.ts')).deploy));
  // A plan or a deploy writes its template to a temporary directory unless --out names one, never
  // to synth's ./cdk.out: the option's default (for --help) and the value already set from it.
  deployCommand.options.find((option) => option.long === '--out')?.default(undefined);
  deployCommand.setOptionValueWithSource('out', undefined, 'default');

  addSynthOptions(addSecretOptions(program.command('synth')))
    .description('write the CloudFormation template(s) to --out DIR, offline; needs only the secret ARN')
    .action(run<SynthOptions>(async () => (await import('./synth.ts')).synth));

  program
    .command('manifest')
    .description('print the Benchling app manifest (YAML) to upload in the Developer Console; offline')
    .option('--out <file>', 'write it to FILE instead of stdout')
    .action(run<ManifestOptions>(async () => (await import('./manifest.ts')).manifest));

  program
    .command('demo')
    .description('run the whole chain locally: a simulated Benchling tenant, the service and worker, one signed entry event')
    .option('--registry <dir>', 'where to write the package (default: a new temporary directory)')
    .option('--timeout <seconds>', 'give up waiting for the package after this long', '15')
    .action(run<DemoOptions>(async () => (await import('./demo.ts')).demo));

  addStackOptions(program.command('status'))
    .description('the stack, its ECS services, queue and dead letters, alarms and URL; exit 0 when healthy, 1 when anything is unhealthy')
    .addHelpText('after', '\nexit codes: 0 healthy; 1 unhealthy: the stack failed or rolled back, fewer tasks running than desired, jobs in the dead-letter queue, or an alarm in ALARM; 2 usage error')
    .action(run<StatusOptions>(async () => (await import('./status.ts')).status));

  addStackOptions(program.command('logs'))
    .description('CloudWatch logs of the webhook and worker containers, as <time> <container> <message>')
    .option('--since <duration>', 'how far back: 30s, 10m, 2h, 1d', '10m')
    .option('--container <name>', 'only this container: webhook or worker')
    .option('--follow', 'keep printing new events until Ctrl-C')
    .action(run<LogsOptions>(async () => (await import('./logs.ts')).logs));

  addStackOptions(program.command('destroy'))
    .description('delete the stack after confirmation; keeps the bucket, the secret and the log groups unless told otherwise')
    .option('--yes', 'do not ask (needed when not run in a terminal)')
    .option('--delete-secret', "also schedule the profile's Benchling secret for deletion (30-day recovery window)")
    .option('--delete-bucket [bucket]', 'also empty and delete the package bucket the stack created; name it (here, or when asked) to confirm')
    .action(run<DestroyOptions>(async () => (await import('./destroy.ts')).destroy));
  return program;
}

function reportError(error: AppError, terminal: Terminal, json: boolean): void {
  if (json) println(terminal.stdout, JSON.stringify({ error: { code: error.code, message: error.message } }));
  println(terminal.stderr, `error [${error.code}]: ${error.message}`);
}

/** The list of commands alone, for `--help`; each command that takes options still shows `[options]`. */
function commandList(terminal: Terminal, commandIo: () => Promise<CliIo>, setExit: (code: number) => void): Command {
  const marked = new WeakSet<Command>();
  const program = buildProgram(terminal, commandIo, setExit, optionsDeclaredLater(marked));
  const help = new Help();
  return program.configureHelp({
    subcommandTerm: (command) => {
      const term = help.subcommandTerm(command);
      return marked.has(command) && command.options.length === 0 ? term.replace(command.name(), `${command.name()} [options]`) : term;
    },
  });
}

/** Runs the CLI and returns its exit code: 0 ok, 1 a failed check, 2 a usage error. `io` defaults to the process's own. */
export async function main(argv: readonly string[], io?: CliIo): Promise<number> {
  const terminal: Terminal = io ?? { stdout: process.stdout, stderr: process.stderr };
  let commandIo = io;
  const ioForCommand = async () => (commandIo ??= (await import('./process-io.ts')).processIo());
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const list = commandList(terminal, ioForCommand, setExit);
  const namesCommand = argv.some((arg) => list.commands.some((command) => command.name() === arg));
  const program = namesCommand ? buildProgram(terminal, ioForCommand, setExit, await loadOptionBuilders()) : list;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      const quiet = ['commander.helpDisplayed', 'commander.version'];
      return quiet.includes(error.code) ? 0 : 2;
    }
    if (error instanceof AppError) {
      reportError(error, terminal, argv.includes('--json'));
      return error.exitCode;
    }
    throw error;
  }
}
