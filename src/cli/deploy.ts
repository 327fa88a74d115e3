import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { updateProfile } from '../config/profile.ts';
import { APPROVAL_LEVELS, type ApprovalLevel } from '../deploy/stack-deployer.ts';
import type { DockerStatus } from '../deploy/docker-probe.ts';
import type { ImageTarget } from '../deploy/image-advice.ts';
import { formatChecks } from '../deploy/pre-deploy-gate.ts';
import type { DeployRecord, HistoryPaths } from '../deploy/deploy-history.ts';
import { AppError, UsageError } from '../errors/app-error.ts';
import { chooseImage, describeImage, type ImageChoice } from '../infra/image-choice.ts';
import type { StackInputValues } from '../infra/inputs.ts';
import { parseSecretArn } from '../infra/secret-arn.ts';
import { serializeSecret } from '../secret/check.ts';
import { diffSecretFields, hasChanges } from '../secret/diff.ts';
import { parseSecretJson } from '../secret/read-input.ts';
import { formatReport } from '../secret/report.ts';
import type { BenchlingSecret } from '../secret/schema.ts';
import { defaultSecretName, writeSecret } from '../secret/write-secret.ts';
import { commandContext, resolveCommandSecret, type CommandContext } from './command-context.ts';
import type { DeployOptions } from './commands/deploy.ts';
import { println, type CliIo } from './io.ts';
import type { ChangeResult, ChangeToDeploy } from './deploy-change.ts';
import { stackLocation } from './stack-location.ts';
import { assertOutputDirectory } from './output-directory.ts';
import { runChecks } from './validate.ts';
import { RELEASED_IMAGE, VERSION } from './version.ts';

/** How long deploy waits for a stack that another operation is still changing. */
const STACK_WAIT_LIMIT_MS = 60 * 60 * 1000;

interface WatchSettings {
  pollIntervalMs: number;
  maxFailures: number;
  requireApproval: ApprovalLevel;
}

interface SecretPlan {
  name: string;
  arn?: string;
  action: 'create' | 'update' | 'unchanged';
  fields: string[];
  changes: string[];
}

/** A secret kept in Secrets Manager that an offline plan names without reading: the deploy would read it and sync nothing new. */
function unreadSecretPlan(target: string): SecretPlan {
  return { name: target, ...(target.startsWith('arn:') && { arn: target }), action: 'unchanged', fields: [], changes: [] };
}

/** What `secrets sync` would do, without doing it. */
async function planSecret(secret: BenchlingSecret, target: string, context: CommandContext, io: CliIo, offline: boolean): Promise<SecretPlan> {
  const body = JSON.parse(serializeSecret(secret)) as Record<string, unknown>;
  const fields = Object.keys(body);
  if (offline) return { name: target, action: 'update', fields, changes: ['(not compared: --offline)'] };
  const store = io.secretStore(context.region, context.profile?.awsProfile);
  const existing = await store.describe(target);
  if (!existing) return { name: target, action: 'create', fields, changes: fields };
  const current = await store.read(existing.arn);
  const diff = diffSecretFields(current.secretString === undefined ? {} : parseSecretJson(current.secretString, `the secret ${current.name}`), body);
  const changes = [...diff.added.map((f) => `+${f}`), ...diff.changed.map((f) => `~${f}`), ...diff.removed.map((f) => `-${f}`)];
  return { name: existing.name, arn: existing.arn, action: hasChanges(diff) ? 'update' : 'unchanged', fields, changes };
}

/**
 * Before the secret is stored there is no ARN to synthesize with, but the stack's flags are
 * checked all the same, as the deploy will check them once it has stored the secret: with a
 * stand-in ARN in the region and account the deploy would use.
 */
async function checkStackFlags(options: DeployOptions, io: CliIo, region: string | undefined): Promise<void> {
  const [{ resolveStackInputs }, { readProfile }] = await Promise.all([import('../infra/inputs.ts'), import('../config/profile.ts')]);
  const standIn = `arn:aws:secretsmanager:${region ?? 'us-east-1'}:${options.account ?? '000000000000'}:secret:${defaultSecretName(options.profile)}-AbCdEf`;
  resolveStackInputs(stackValues(options, standIn), { env: io.env, profileName: options.profile, profile: await readProfile(options.profile, io.env), releasedImage: RELEASED_IMAGE });
}

async function synthPlan(arn: string | undefined, options: DeployOptions, io: CliIo, region: string | undefined): Promise<{ stackName?: string; template?: string; note?: string }> {
  if (!arn) {
    await checkStackFlags(options, io, region);
    return { note: 'the template is synthesized once the secret exists (its ARN goes into the stack)' };
  }
  const [{ resolveStackInputs }, { readProfile }, { synthesize }] = await Promise.all([
    import('../infra/inputs.ts'),
    import('../config/profile.ts'),
    import('../infra/synthesize.ts'),
  ]);
  const inputs = resolveStackInputs(stackValues(options, arn), {
    env: io.env,
    profileName: options.profile,
    profile: await readProfile(options.profile, io.env),
    releasedImage: RELEASED_IMAGE,
  });
  const outdir = options.out ?? (await mkdtemp(join(tmpdir(), 'bw-deploy-plan-')));
  const result = synthesize({ ...inputs, outdir, cloudFormationValidation: false });
  return { stackName: inputs.stackName, template: result.templatePath };
}

function parseWatchSettings(options: DeployOptions): WatchSettings {
  const seconds = Number(options.pollInterval ?? '10');
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 300) {
    throw new UsageError('POLL_INTERVAL_INVALID', `--poll-interval must be a number of seconds between 0 and 300, not ${options.pollInterval}`);
  }
  const maxFailures = Number(options.maxTaskFailures ?? '3');
  if (!Number.isInteger(maxFailures) || maxFailures < 1) {
    throw new UsageError('MAX_TASK_FAILURES_INVALID', `--max-task-failures must be a whole number of at least 1, not ${options.maxTaskFailures}`);
  }
  const requireApproval = (options.requireApproval ?? 'never') as ApprovalLevel;
  if (!APPROVAL_LEVELS.includes(requireApproval)) {
    throw new UsageError('REQUIRE_APPROVAL_INVALID', `--require-approval must be ${APPROVAL_LEVELS.join(' or ')}, not ${options.requireApproval}`);
  }
  return { pollIntervalMs: Math.round(seconds * 1000), maxFailures, requireApproval };
}

/** Only the stack's own options: the secret enters the stack as the ARN just synced, whatever form it was given in. */
function stackValues(options: DeployOptions, secretArn: string): StackInputValues {
  const { stackName, vpcId, subnetIds, bucketName, allowCidrs, imageUri, buildImage, alarmEmail, secretKmsKeyArn, region, account } = options;
  return { stackName, vpcId, subnetIds, bucketName, allowCidrs, imageUri, buildImage, alarmEmail, secretKmsKeyArn, region, account, benchlingSecrets: secretArn };
}

/** `secrets sync`, as the command does it: the stack then references the secret by this ARN. */
async function syncSecret(options: DeployOptions, io: CliIo, context: CommandContext, secret: BenchlingSecret, secretName: string): Promise<string> {
  const written = await writeSecret(io.secretStore(context.region, context.profile?.awsProfile), secretName, secret, options.profile);
  await updateProfile(options.profile, io.env, (p) => ({ ...p, secretArn: written.arn }));
  println(io.stderr, `secret ${written.action} ${written.name}: fields ${written.fields.join(', ')}`);
  return written.arn;
}

async function synthForDeploy(options: DeployOptions, io: CliIo, context: CommandContext, secretArn: string): Promise<{ stackName: string; region?: string; outdir: string }> {
  const [{ resolveStackInputs }, { synthesize }] = await Promise.all([import('../infra/inputs.ts'), import('../infra/synthesize.ts')]);
  const inputs = resolveStackInputs(stackValues(options, secretArn), { env: io.env, profileName: options.profile, profile: context.profile, releasedImage: RELEASED_IMAGE });
  const outdir = options.out ? resolve(options.out) : await mkdtemp(join(tmpdir(), 'bw-deploy-'));
  synthesize({ ...inputs, outdir, cloudFormationValidation: options.cfnValidation !== false });
  println(io.stderr, `synthesized ${inputs.stackName} into ${outdir}`);
  return { stackName: inputs.stackName, region: inputs.props.env?.region, outdir };
}

/** Where the commands for pushing an image point, from what is known before any AWS call: flags, env and profile. */
async function imageTarget(options: DeployOptions, context: CommandContext, io: CliIo): Promise<ImageTarget> {
  const { PROJECT_ROOT } = await import('../infra/package-root.ts');
  const ref = options.benchlingSecrets ?? io.env.BENCHLING_SECRETS ?? context.profile?.secretArn;
  let arn: { account: string; region: string } | undefined;
  try {
    arn = ref === undefined ? undefined : parseSecretArn(ref, 'the secret');
  } catch {
    // Inline JSON, a file or a secret name: the printed commands keep <account> and <region>.
  }
  return {
    account: options.account ?? arn?.account,
    region: context.region ?? arn?.region,
    version: VERSION,
    context: PROJECT_ROOT,
    releasedImage: options.buildImage ? RELEASED_IMAGE : undefined,
  };
}

async function dockerStatus(io: CliIo): Promise<DockerStatus> {
  const { probeDocker } = await import('../deploy/docker-probe.ts');
  return probeDocker(io.env);
}

/**
 * The image is built by Docker during the deploy, after the secret is written: without a
 * working Docker the deploy stops here instead, before any AWS call, saying how to get an image.
 */
async function requireDocker(options: DeployOptions, context: CommandContext, io: CliIo): Promise<void> {
  const docker = await dockerStatus(io);
  if (docker.working) return;
  const { dockerUnavailable } = await import('../deploy/image-advice.ts');
  throw dockerUnavailable(docker.reason, await imageTarget(options, context, io));
}

/** The plan's image line: where it comes from and, when Docker is to build it, whether Docker works here. */
async function planImage(image: ImageChoice, io: CliIo): Promise<{ choice: ImageChoice; docker?: DockerStatus; text: string }> {
  if (image.source !== 'build') return { choice: image, text: describeImage(image) };
  const docker = await dockerStatus(io);
  const status = docker.working
    ? `Docker ${docker.version} answers here`
    : `Docker is not working here (${docker.reason}): the deploy would stop; pass --image-uri`;
  return { choice: image, docker, text: `${describeImage(image)}; ${status}` };
}

function parseSkips(options: DeployOptions): string[] {
  const skips = (options.skipResources ?? '').split(',').map((id) => id.trim()).filter((id) => id !== '');
  if (options.skipResources !== undefined && skips.length === 0) throw new UsageError('SKIP_RESOURCES_INVALID', '--skip-resources needs comma-separated logical ids');
  return skips;
}

/** --rollback: the record to go back to, found before anything else happens. */
async function rollbackRecord(options: DeployOptions, io: CliIo): Promise<DeployRecord | undefined> {
  if (!options.rollback) return undefined;
  if (options.imageUri !== undefined || options.buildImage) {
    throw new UsageError('ROLLBACK_OPTIONS_CONFLICT', '--rollback deploys the image of the earlier deploy: leave out --image-uri and --build-image');
  }
  const { historyPaths, readHistory, rollbackTarget } = await import('../deploy/deploy-history.ts');
  const target = rollbackTarget(await readHistory(historyPaths(options.profile, io.env)));
  if (!target) {
    throw new AppError('NO_PREVIOUS_DEPLOY', `profile ${options.profile} has no earlier successful deploy with a different template to go back to: see \`benchling-webhook status --history\``);
  }
  return target;
}

/** What the record calls the image: its URI, or the content hash of the image built from the Dockerfile. */
async function imageLabel(image: ImageChoice, assemblyDir: string, stackName: string): Promise<string> {
  if (image.uri !== undefined) return image.uri;
  const { builtImageHashes } = await import('../deploy/deploy-history.ts');
  const hashes = await builtImageHashes(assemblyDir, stackName);
  return hashes.length > 0 ? `built from the Dockerfile (asset ${hashes.join(', ')})` : 'built from the Dockerfile';
}

interface RealDeploy {
  settings: WatchSettings;
  secret: BenchlingSecret;
  secretName: string;
  secretRef: string | undefined;
  image: ImageChoice;
  rollbackTo: DeployRecord | undefined;
}

interface PreparedChange {
  change: Omit<ChangeToDeploy, 'region' | 'awsProfile' | 'settled'>;
  /** The deferred secret update, run once the change is confirmed. */
  writeLater?: () => Promise<void>;
}

/** The assembly to deploy: the recorded one on --rollback, else the secret synced (or its update deferred) and the stack synthesized. */
async function prepareChange(
  options: DeployOptions,
  io: CliIo,
  context: CommandContext,
  run: RealDeploy,
  where: { stackName: string; history: HistoryPaths; say(line: string): void },
): Promise<PreparedChange> {
  if (run.rollbackTo) {
    const { restoreAssembly } = await import('../deploy/deploy-history.ts');
    const assemblyDir = await restoreAssembly(where.history, run.rollbackTo.templateHash);
    where.say(`rolling back ${where.stackName} to the deploy of ${run.rollbackTo.at} (version ${run.rollbackTo.version}, image ${run.rollbackTo.image})`);
    return { change: { assemblyDir, stackName: where.stackName, version: run.rollbackTo.version, image: run.rollbackTo.image, rollbackTo: run.rollbackTo } };
  }
  const secret = await planSecret(run.secret, run.secretName, context, io, false);
  // A new secret is created now: the template needs its ARN, and nothing reads it yet. An
  // existing one is rewritten only once the change is confirmed: running tasks re-read it.
  const later = secret.arn !== undefined && secret.action === 'update';
  const secretArn = later ? secret.arn! : await syncSecret(options, io, context, run.secret, run.secretName);
  if (later) where.say(`secret ${secret.name}: to be updated (${secret.changes.join(' ')}) once the change is confirmed`);
  const stack = await synthForDeploy(options, io, context, secretArn);
  return {
    change: { assemblyDir: stack.outdir, stackName: stack.stackName, version: VERSION, image: await imageLabel(run.image, stack.outdir, stack.stackName) },
    writeLater: later ? async () => void (await syncSecret(options, io, context, run.secret, run.secretName)) : undefined,
  };
}

/** The final word: the outcome on stdout (or JSON), a failure's story on stderr; the exit code. */
async function printResult(result: ChangeResult, options: DeployOptions, io: CliIo, context: CommandContext, settings: WatchSettings): Promise<number> {
  if (result.status === 'unchanged') {
    const text = `no changes: ${result.stackName} already runs this template`;
    println(io.stdout, options.json ? JSON.stringify({ status: 'unchanged', stackName: result.stackName }) : text);
    return 0;
  }
  const report = await import('../deploy/deploy-report.ts');
  const text = report.formatOutcome(result, settings.maxFailures);
  if (options.json) println(io.stdout, context.redactor.scrub(JSON.stringify(report.outcomeJson(result))));
  else if (result.status === 'deployed') println(io.stdout, context.redactor.scrub(text));
  if (result.status !== 'deployed' || options.json) println(io.stderr, context.redactor.scrub(text));
  return result.status === 'deployed' ? 0 : 1;
}

/**
 * The real path, after the gate: the stack's state first (waiting, repairing after
 * confirmation, or refusing), then secrets sync and synth (or, on --rollback, the recorded
 * assembly), then the plan, its confirmation, and the deploy while watching the ECS tasks.
 */
async function deployForReal(options: DeployOptions, io: CliIo, context: CommandContext, run: RealDeploy): Promise<number> {
  const { settings } = run;
  const [{ createOperateClients, destroyClients }, { deployAndWatch }, { ToolkitStackDeployer }, { abortableSleep }, report, { settleStack }, history, { deployChange }, { operateRuntime }] =
    await Promise.all([
      import('../operate/aws-clients.ts'),
      import('../deploy/deploy-and-watch.ts'),
      import('../deploy/toolkit-deployer.ts'),
      import('../deploy/abortable-sleep.ts'),
      import('../deploy/deploy-report.ts'),
      import('../deploy/stack-state-settle.ts'),
      import('../deploy/deploy-history.ts'),
      import('./deploy-change.ts'),
      import('../operate/operate-runtime.ts'),
    ]);
  // Whatever AWS says goes through the redactor too: a task's log line is not ours to trust.
  const say = (text: string) => println(io.stderr, context.redactor.scrub(text));
  const runtime = operateRuntime();
  const confirmation = { yes: options.yes === true, runtime };
  // A rollback goes back to the stack its record names.
  const early = stackLocation({ ...options, stackName: run.rollbackTo?.stackName ?? options.stackName }, io.env, context, run.secretRef);
  const target = { region: early.region, awsProfile: context.profile?.awsProfile };
  const clients = createOperateClients(target, io.env);
  const deployer = io.stackDeployer ?? new ToolkitStackDeployer();
  try {
    const settled = await settleStack({
      cloudFormation: clients.cloudFormation,
      context: early,
      noWait: options.wait === false,
      skipResources: parseSkips(options),
      confirmation,
      pollMs: settings.pollIntervalMs,
      waitLimitMs: STACK_WAIT_LIMIT_MS,
      sleep: (ms) => runtime.sleep(ms),
      now: () => runtime.now(),
      say,
    });
    const paths = history.historyPaths(options.profile, io.env);
    const { change, writeLater } = await prepareChange(options, io, context, run, { stackName: early.stackName, history: paths, say });
    const result = await deployChange(
      { ...change, region: early.region, awsProfile: target.awsProfile, settled },
      {
        deployer,
        clients,
        history: paths,
        confirmation,
        allowReplacement: options.allowReplacement === true,
        requireApproval: settings.requireApproval,
        runtime,
        say,
        beforeExecute: writeLater,
        execute: (request) =>
          deployAndWatch({
            deployer,
            clients,
            request: { ...request, ...target, requireApproval: settings.requireApproval, progress: say },
            pollIntervalMs: settings.pollIntervalMs,
            maxFailures: settings.maxFailures,
            sleep: abortableSleep,
            now: () => new Date(),
            onFailure: (failure, count) => say(report.formatTaskFailure(failure, count, settings.maxFailures)),
            onNotice: say,
          }),
      },
    );
    return printResult(result, options, io, context, settings);
  } finally {
    destroyClients(clients);
  }
}

/** The dry run's view of the change, read-only, when there is a template and AWS may be asked. */
async function previewForDryRun(options: DeployOptions, io: CliIo, context: CommandContext, stack: { stackName?: string; template?: string }, secretRef: string | undefined) {
  if (options.offline || !stack.template || !stack.stackName) return undefined;
  const { previewChange } = await import('./deploy-preview.ts');
  const location = stackLocation({ ...options, stackName: stack.stackName }, io.env, context, secretRef);
  return previewChange(location, stack.template, context.profile?.awsProfile, io.env);
}

/**
 * `deploy`: gate → secrets sync → synth → deploy. The gate runs first and a broken secret
 * ends the command in well under a second, before anything touches AWS; before it, a deploy
 * that must build the image checks that Docker works. `--dry-run` prints the plan and
 * changes nothing anywhere.
 */
export async function deploy(options: DeployOptions, io: CliIo): Promise<number> {
  // Flags first, on a dry run too (it checks what a deploy would): a usage error comes back before the gate's network checks.
  const watch = parseWatchSettings(options);
  if (options.out !== undefined) await assertOutputDirectory(resolve(options.out));
  const settings = options.dryRun ? undefined : watch;
  if (settings) parseSkips(options);
  const rollbackTo = settings ? await rollbackRecord(options, io) : undefined;
  const context = await commandContext(options, io);
  const image = chooseImage(options, RELEASED_IMAGE);
  // A rollback's image is already pushed: its template names it.
  if (settings && !rollbackTo && image.source === 'build') await requireDocker(options, context, io);
  // A dry run --offline plans with a secret kept in Secrets Manager without reading it.
  const resolved = await resolveCommandSecret(options, context, io, { offline: options.dryRun === true && options.offline === true });
  if (!resolved.secret && !resolved.notRead) {
    println(io.stderr, formatReport(resolved.report));
    println(io.stderr, 'deploy: stopped at the gate, before any AWS call: the Benchling secret is incomplete');
    return 1;
  }
  const checks = (await runChecks(options, io)).filter((c) => c.name !== 'secret in AWS' && c.name !== 'template rules');
  if (checks.some((c) => c.status === 'failed')) {
    println(io.stderr, `deploy: stopped at the gate\n${formatChecks(checks)}`);
    return 1;
  }
  const unreadRef = resolved.notRead ? resolved.input.source.awsId : undefined;
  const target = options.secretName ?? resolved.input.aws?.arn ?? unreadRef ?? context.profile?.secretArn ?? defaultSecretName(options.profile);
  if (settings) {
    const secretRef = resolved.input.aws?.arn ?? context.profile?.secretArn;
    return deployForReal(options, io, context, { settings, secret: resolved.secret!, secretName: target, secretRef, image, rollbackTo });
  }
  const secret = resolved.secret ? await planSecret(resolved.secret, target, context, io, options.offline === true) : unreadSecretPlan(target);
  const stack = await synthPlan(secret.arn ?? (resolved.input.aws?.arn || context.profile?.secretArn), options, io, context.region);
  const imagePlan = await planImage(image, io);
  const change = await previewForDryRun(options, io, context, stack, secret.arn ?? resolved.input.aws?.arn ?? context.profile?.secretArn);
  const plan = { dryRun: true, gate: checks, secret, stack, image: { ...imagePlan.choice, docker: imagePlan.docker }, ...(change ? { change } : {}) };
  if (options.json) println(io.stdout, JSON.stringify(plan));
  else {
    println(io.stdout, `deploy plan (dry run: nothing is written, CloudFormation is not touched)\n${formatChecks(checks)}`);
    println(io.stdout, `  secret    ${secret.action} ${secret.name}: fields ${secret.fields.join(', ') || '(not read: --offline)'}${secret.changes.length ? ` (changes ${secret.changes.join(' ')})` : ''}`);
    println(io.stdout, stack.template ? `  stack     ${stack.stackName}: template ${stack.template}` : `  stack     ${stack.note}`);
    println(io.stdout, `  image     ${imagePlan.text}`);
    if (change && stack.stackName) println(io.stdout, (await import('./deploy-preview.ts')).formatPreview(stack.stackName, change));
  }
  return 0;
}
