import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { AppError } from '../errors/app-error.ts';
import type { BenchlingWebhookStack } from './benchling-webhook-stack.ts';
import { addBenchlingStack, type StackOptions } from './build-app.ts';
import type { CfnTemplate } from './rules/template.ts';

export interface SynthViolation {
  plugin: string;
  rule: string;
  description: string;
  severity: string;
  paths: string[];
}

/** Synth stopped on rule violations; `violations` lists them for `--json` and for `validate`. */
export class RuleViolationsError extends AppError {
  constructor(readonly violations: SynthViolation[]) {
    const lines = violations.map((v) => `  [${v.rule}] ${v.description}${v.paths.length ? ` (${v.paths.join(', ')})` : ''}`);
    super('SYNTH_RULES_FAILED', `the stack breaks ${violations.length} synth-time rule(s):\n${lines.join('\n')}`);
    this.name = 'RuleViolationsError';
  }
}

export interface SynthesizeOptions extends StackOptions {
  outdir: string;
  /**
   * CDK's built-in CloudFormation schema validation: it catches malformed properties, but
   * takes about 10 s to load. Default true.
   */
  cloudFormationValidation?: boolean;
}

export interface SynthResult {
  app: App;
  stack: BenchlingWebhookStack;
  outdir: string;
  templatePath: string;
  template: CfnTemplate;
}

interface ReportJson {
  pluginReports?: {
    pluginName: string;
    violations?: { ruleName: string; description: string; severity?: string; violatingConstructs?: { constructPath?: string }[] }[];
  }[];
}

function readViolations(outdir: string): SynthViolation[] {
  let report: ReportJson;
  try {
    report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ReportJson;
  } catch {
    return [];
  }
  return (report.pluginReports ?? []).flatMap((plugin) =>
    (plugin.violations ?? []).map((v) => ({
      plugin: plugin.pluginName,
      rule: v.ruleName,
      description: v.description,
      severity: v.severity ?? 'error',
      paths: (v.violatingConstructs ?? []).flatMap((c) => (c.constructPath ? [c.constructPath] : [])),
    })),
  );
}

/**
 * Synthesizes in this process, offline: no AWS call, no Docker build (the image's context is
 * only staged). Rule violations come back as one error listing all of them.
 *
 * The assembly is built in a staging directory beside `outdir` and moved in only once synth
 * passed: a refused synth leaves `outdir` as it was (absent, or holding the last good
 * template), never half written.
 */
export function synthesize(options: SynthesizeOptions): SynthResult {
  const parent = dirname(options.outdir);
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.${basename(options.outdir)}.partial-`));
  try {
    const { app, stack } = synthesizeIn(staging, options);
    publish(staging, options.outdir);
    const templatePath = join(options.outdir, stack.templateFile);
    const template = JSON.parse(readFileSync(templatePath, 'utf8')) as CfnTemplate;
    return { app, stack, outdir: options.outdir, templatePath, template };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function synthesizeIn(outdir: string, options: SynthesizeOptions): { app: App; stack: BenchlingWebhookStack } {
  const app = new App({
    outdir,
    autoSynth: false,
    builtinCloudFormationValidation: options.cloudFormationValidation ?? true,
    // In-memory mode: a failed validation throws with its report instead of printing it.
    context: { '@aws-cdk/core:appMode': 'inmemory' },
  });
  const stack = addBenchlingStack(app, options);
  try {
    app.synth();
  } catch (error) {
    const violations = readViolations(outdir).filter((v) => v.severity !== 'warning');
    if (violations.length > 0) throw new RuleViolationsError(violations);
    const message = error instanceof Error ? error.message : String(error);
    throw new AppError('SYNTH_FAILED', `synth failed: ${message}`);
  }
  return { app, stack };
}

/** Moves each entry of the finished assembly into `outdir`, replacing an older one of the same name; other files stay. */
function publish(staging: string, outdir: string): void {
  mkdirSync(outdir, { recursive: true });
  for (const entry of readdirSync(staging)) {
    const target = join(outdir, entry);
    rmSync(target, { recursive: true, force: true });
    renameSync(join(staging, entry), target);
  }
}
