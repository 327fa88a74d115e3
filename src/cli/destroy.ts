import { DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { writeProfile, type Profile } from '../config/profile.ts';
import { AppError, UsageError } from '../errors/app-error.ts';
import { createOperateClients, destroyClients, type OperateClients } from '../operate/aws-clients.ts';
import { awsCall } from '../operate/aws-failure.ts';
import { emptyAndDeleteBucket } from '../operate/bucket-removal.ts';
import { describeStack, listStackResources } from '../operate/cloudformation-stack.ts';
import { forgetDestroyed, formatDestroyPlan, planDestroy, type DestroyPlan } from '../operate/destroy-plan.ts';
import { operateRuntime, type OperateRuntime } from '../operate/operate-runtime.ts';
import { deleteStackAndWait, formatResourceEvent } from '../operate/stack-deletion.ts';
import { resolveStackTarget, type StackTarget } from '../operate/stack-target.ts';
import type { DestroyOptions } from './commands/destroy.ts';
import { println, type CliIo } from './io.ts';

/** Deleting a stack takes minutes; CloudFormation's own console refreshes about this often. */
const DELETE_POLL_MS = 5_000;

/** Refusals that need no AWS call come first, so a script without --yes learns at once. */
function checkConfirmable(options: DestroyOptions, runtime: OperateRuntime): void {
  if (options.yes && options.deleteBucket === true) {
    throw new UsageError(
      'BUCKET_NOT_NAMED',
      "emptying and deleting the package bucket destroys every package in it: name it to confirm, --delete-bucket <bucket> (the stack's BucketName output)",
    );
  }
  if (!options.yes && !runtime.interactive()) {
    throw new UsageError('CONFIRMATION_REQUIRED', 'destroy deletes the stack and must ask first, but this is not a terminal: pass --yes to confirm');
  }
}

async function confirm(plan: DestroyPlan, options: DestroyOptions, runtime: OperateRuntime): Promise<void> {
  const stack = (await runtime.ask(`Type the stack name (${plan.stackName}) to delete it:`)).trim();
  if (stack !== plan.stackName) throw new AppError('DESTROY_NOT_CONFIRMED', `the answer was not ${plan.stackName}: nothing was deleted`);
  if (plan.bucket?.delete && options.deleteBucket === true) {
    const bucket = (await runtime.ask(`Type the bucket name (${plan.bucket.name}) to empty and delete it:`)).trim();
    if (bucket !== plan.bucket.name) throw new AppError('DESTROY_NOT_CONFIRMED', `the answer was not ${plan.bucket.name}: nothing was deleted`);
  }
}

async function removeRequested(plan: DestroyPlan, clients: OperateClients): Promise<{ deletedObjects?: number }> {
  const done: { deletedObjects?: number } = {};
  if (plan.bucket?.delete) done.deletedObjects = await emptyAndDeleteBucket(clients.s3, plan.bucket.name);
  const secret = plan.secret;
  // No recovery window given: Secrets Manager's default (30 days) lets a mistake be undone.
  if (secret?.delete) await awsCall(`delete secret ${secret.arn}`, () => clients.secretsManager.send(new DeleteSecretCommand({ SecretId: secret.arn })));
  return done;
}

/** Writes the profile without what the plan deleted; the profile as it now is. */
async function forget(target: StackTarget, profile: Profile | undefined, plan: DestroyPlan, io: CliIo): Promise<Profile | undefined> {
  if (!profile) return undefined;
  const next = forgetDestroyed(profile, plan);
  if (JSON.stringify(next) !== JSON.stringify(profile)) await writeProfile(target.profileName, next, io.env);
  return next;
}

/** After the stack is gone, a failed bucket or secret deletion says what is already done and what is left. */
async function removeAfterStack(plan: DestroyPlan, clients: OperateClients): Promise<{ deletedObjects?: number }> {
  try {
    return await removeRequested(plan, clients);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const left = [
      plan.bucket?.delete ? `\`aws s3 rb s3://${plan.bucket.name} --force\`` : undefined,
      plan.secret?.delete ? `\`aws secretsmanager delete-secret --secret-id ${plan.secret.arn}\`` : undefined,
    ].filter((step) => step !== undefined);
    throw new AppError('DESTROY_INCOMPLETE', `stack ${plan.stackName} was deleted and the profile no longer records it, but ${reason}; finish by hand: ${left.join(', then ')}`);
  }
}

function formatDestroyed(plan: DestroyPlan, deletedObjects: number | undefined, profileName: string | undefined): string {
  const lines = [`stack ${plan.stackName} deleted`];
  if (plan.bucket?.delete) lines.push(`bucket ${plan.bucket.name} emptied (${deletedObjects ?? 0} objects) and deleted`);
  if (plan.secret?.delete) lines.push(`secret ${plan.secret.arn} scheduled for deletion: \`aws secretsmanager restore-secret --secret-id ${plan.secret.arn}\` undoes it within 30 days`);
  if (profileName) lines.push(`profile ${profileName} no longer records ${plan.secret?.delete ? 'the stack or the secret' : 'the stack'}`);
  return lines.join('\n');
}

/** `destroy`: confirm, delete the stack and wait; the bucket and the secret stay unless asked for by name. */
export async function destroy(options: DestroyOptions, io: CliIo): Promise<number> {
  const runtime = operateRuntime();
  checkConfirmable(options, runtime);
  const target = await resolveStackTarget(options, io.env);
  const clients = createOperateClients(target, io.env);
  try {
    const stack = await describeStack(clients.cloudFormation, target.stackName);
    const resources = await listStackResources(clients.cloudFormation, stack.id);
    const request = { deleteSecret: options.deleteSecret === true, deleteBucket: options.deleteBucket ?? false };
    const plan = planDestroy(stack, resources, target.profile, request);
    // With --json, stdout holds only the result.
    const progress = options.json ? io.stderr : io.stdout;
    println(progress, formatDestroyPlan(plan));
    if (!options.yes) await confirm(plan, options, runtime);
    const result = await deleteStackAndWait(clients.cloudFormation, stack, {
      pollMs: DELETE_POLL_MS,
      sleep: (ms) => runtime.sleep(ms),
      progress: (event) => println(progress, formatResourceEvent(event)),
    });
    if (result.status === 'DELETE_FAILED') {
      const which = result.failures.map((f) => `${f.logicalId} (${f.type}): ${f.reason}`).join('; ');
      throw new AppError('STACK_DELETE_FAILED', `stack ${plan.stackName} could not be deleted: ${which}; fix those resources, then run \`benchling-webhook destroy\` again`);
    }
    // The stack is gone: the profile stops naming it now, whatever happens to the bucket and the secret.
    const withoutStack = await forget(target, target.profile, { ...plan, secret: undefined }, io);
    const removed = await removeAfterStack(plan, clients);
    const profileUpdated = JSON.stringify(await forget(target, withoutStack, plan, io)) !== JSON.stringify(target.profile);
    if (options.json) println(io.stdout, JSON.stringify({ deleted: true, status: result.status, ...plan, ...removed, profileUpdated }));
    else println(io.stdout, formatDestroyed(plan, removed.deletedObjects, profileUpdated ? target.profileName : undefined));
    return 0;
  } finally {
    destroyClients(clients);
  }
}
