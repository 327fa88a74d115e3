import { randomBytes } from 'node:crypto';
import { isRecord, referencedIds, type CfnResource, type CfnTemplate, type CfnValue } from '../../../src/infra/rules/template.ts';
import { Intrinsics, type ResourceValues } from './intrinsics.ts';
import type { LoopbackAws } from './loopback-aws.ts';

export interface DeployOptions {
  stackName?: string;
  /** Values for the template's parameters, as `cloudformation deploy --parameter-overrides` gives them. */
  parameters?: Record<string, string>;
}

type Handler = (logicalId: string, resource: CfnResource, intrinsics: Intrinsics, aws: LoopbackAws) => Promise<ResourceValues>;

const suffix = () => randomBytes(4).toString('hex').slice(0, 6);

function props(resource: CfnResource): Record<string, CfnValue> {
  return resource.Properties ?? {};
}

/** Only the resources whose values a container can see are made for real; the rest get stand-in ids. */
const HANDLERS: Record<string, Handler> = {
  'AWS::SecretsManager::Secret': async (id, resource, intrinsics, aws) => {
    const p = props(resource);
    const name = p.Name === undefined ? `${id}-${suffix()}` : intrinsics.resolve(p.Name, `${id}.Name`);
    const generate = p.GenerateSecretString;
    const text =
      p.SecretString !== undefined
        ? intrinsics.resolve(p.SecretString, `${id}.SecretString`)
        : isRecord(generate) && typeof generate.SecretStringTemplate === 'string'
          ? JSON.stringify({ ...JSON.parse(generate.SecretStringTemplate), [String(generate.GenerateStringKey)]: randomBytes(16).toString('hex') })
          : randomBytes(16).toString('hex');
    const { arn } = aws.secrets.seed(name, text);
    return { ref: arn, attrs: { Id: arn } };
  },
  'AWS::SQS::Queue': async (id, resource, intrinsics, aws) => {
    const p = props(resource);
    const fifo = p.FifoQueue === true;
    const name = p.QueueName === undefined ? `${id}-${suffix()}${fifo ? '.fifo' : ''}` : intrinsics.resolve(p.QueueName, `${id}.QueueName`);
    const attributes: Record<string, string> = {};
    for (const key of ['FifoQueue', 'ContentBasedDeduplication', 'VisibilityTimeout', 'MessageRetentionPeriod'] as const) {
      if (p[key] !== undefined) attributes[key] = String(p[key]);
    }
    if (isRecord(p.RedrivePolicy)) {
      const redrive = p.RedrivePolicy;
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: intrinsics.resolve(redrive.deadLetterTargetArn, `${id}.RedrivePolicy`),
        maxReceiveCount: Number(redrive.maxReceiveCount),
      });
    }
    const queue = await aws.createQueue(name, attributes);
    return { ref: queue.url, attrs: { Arn: queue.arn, QueueName: name, QueueUrl: queue.url } };
  },
  'AWS::S3::Bucket': async (id, resource, intrinsics, aws) => {
    const p = props(resource);
    const name = p.BucketName === undefined ? `${id.toLowerCase().slice(0, 40)}-${suffix()}` : intrinsics.resolve(p.BucketName, `${id}.BucketName`);
    await aws.createBucket(name);
    return { ref: name, attrs: { Arn: `arn:aws:s3:::${name}`, DomainName: `${name}.s3.amazonaws.com` } };
  },
};

function standIn(id: string, aws: LoopbackAws): ResourceValues {
  return { ref: id, attrs: new Proxy({}, { get: (_, attr) => `arn:aws:harness:${aws.region}:${aws.account}:${id}/${String(attr)}` }) };
}

function parameterValues(template: CfnTemplate, given: Record<string, string>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries((template.Parameters ?? {}) as Record<string, { Default?: unknown }>)) {
    const value = given[name] ?? (spec.Default === undefined ? undefined : String(spec.Default));
    if (value === undefined) throw new Error(`parameter ${name} has no value and no default`);
    values[name] = value;
  }
  return values;
}

/**
 * Plays CloudFormation for a synthesized template: creates its secrets, queues and buckets in
 * the loopback AWS, in dependency order, and returns what each Ref and GetAtt stands for.
 */
export async function deployTemplate(template: CfnTemplate, aws: LoopbackAws, options: DeployOptions = {}): Promise<Intrinsics> {
  const stackName = options.stackName ?? 'HarnessStack';
  const pseudo = {
    'AWS::Region': aws.region,
    'AWS::AccountId': aws.account,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': stackName,
    'AWS::StackId': `arn:aws:cloudformation:${aws.region}:${aws.account}:stack/${stackName}/harness`,
    ...parameterValues(template, options.parameters ?? {}),
  };
  const values = new Map<string, ResourceValues>();
  const intrinsics = new Intrinsics(values, pseudo);
  const pending = new Map(Object.entries(template.Resources ?? {}));
  while (pending.size > 0) {
    const ready = [...pending].filter(([, r]) => referencedIds(r.Properties as CfnValue).every((dep) => values.has(dep) || !pending.has(dep)));
    if (ready.length === 0) throw new Error(`circular references among ${[...pending.keys()].join(', ')}`);
    for (const [id, resource] of ready) {
      const handler = HANDLERS[resource.Type];
      values.set(id, handler ? await handler(id, resource, intrinsics, aws) : standIn(id, aws));
      pending.delete(id);
    }
  }
  return intrinsics;
}
