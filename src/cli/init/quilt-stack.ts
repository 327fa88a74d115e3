import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { Env } from '../../config/env.ts';
import { AppError } from '../../errors/app-error.ts';

/** What discovery learns of the Quilt stack: its name, where it is, and its outputs. */
export interface QuiltStackFacts {
  name: string;
  region: string;
  outputs: Record<string, string>;
}

/** CloudFormation as discovery uses it; tests pass one backed by a loopback fake. */
export interface QuiltStackDirectory {
  /** The stack that owns the resource with this physical id (a bucket name, an API id); undefined when none does. */
  stackOwning(physicalId: string): Promise<string | undefined>;
  describe(stackName: string): Promise<QuiltStackFacts>;
  /** Every stack of the region with its outputs, for finding the one that serves a catalog. */
  list(): Promise<QuiltStackFacts[]>;
  close(): void;
}

function quiltStackMissing(stackName: string, region: string): AppError {
  return new AppError(
    'QUILT_STACK_NOT_FOUND',
    `the Quilt stack ${stackName} does not exist in ${region}: pass --quilt-stack with the name of the stack that runs the catalog, or --offline`,
  );
}

/** CloudFormation's answer for a physical id that no stack owns. */
function isUnowned(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationError' && /does not exist/i.test(error.message);
}

/**
 * CloudFormation in the Quilt stack's region, with the credentials of the profile being set
 * up. The SDK is loaded only when a catalog is to be discovered.
 */
export function cloudFormationQuiltStacks(region: string, awsProfile: string | undefined, env: Env): QuiltStackDirectory {
  const loaded = Promise.all([
    import('@aws-sdk/client-cloudformation'),
    import('../../operate/aws-client-config.ts'),
    import('../../operate/cloudformation-stack.ts'),
    import('../../operate/aws-failure.ts'),
  ]);
  let client: CloudFormationClient | undefined;
  const cfn = async () => {
    const [{ CloudFormationClient }, { awsClientConfig }] = await loaded;
    // Short timeouts: init waits on these calls, and a user without access is better told soon.
    const timeouts = { connectionTimeout: 3_000, requestTimeout: 10_000 };
    client ??= new CloudFormationClient({ ...awsClientConfig('CLOUDFORMATION', { region, awsProfile }, env), maxAttempts: 2, requestHandler: timeouts });
    return client;
  };
  return {
    async stackOwning(physicalId) {
      const [{ DescribeStackResourcesCommand }, , , { awsCall }] = await loaded;
      const out = await awsCall(`find the stack that owns ${physicalId} in ${region}`, async () => {
        try {
          return await (await cfn()).send(new DescribeStackResourcesCommand({ PhysicalResourceId: physicalId }));
        } catch (error) {
          if (isUnowned(error)) return { StackResources: [] };
          throw error;
        }
      });
      return out.StackResources?.find((r) => r.StackName)?.StackName;
    },
    async describe(stackName) {
      const [, , { describeStack }] = await loaded;
      try {
        const stack = await describeStack(await cfn(), stackName);
        return { name: stack.name, region: stack.region || region, outputs: stack.outputs };
      } catch (error) {
        throw error instanceof AppError && error.code === 'STACK_NOT_FOUND' ? quiltStackMissing(stackName, region) : error;
      }
    },
    async list() {
      const [{ paginateDescribeStacks }, , , { awsCall }] = await loaded;
      const client = await cfn();
      return awsCall(`list the stacks of ${region}`, async () => {
        const stacks: QuiltStackFacts[] = [];
        for await (const page of paginateDescribeStacks({ client }, {})) {
          for (const stack of page.Stacks ?? []) {
            const outputs = Object.fromEntries((stack.Outputs ?? []).flatMap((o) => (o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [])));
            if (stack.StackName) stacks.push({ name: stack.StackName, region, outputs });
          }
        }
        return stacks;
      });
    },
    close: () => client?.destroy(),
  };
}
