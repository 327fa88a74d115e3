import { catalogHost } from '../../canvas/urls.ts';
import { parseSqsQueueUrl } from '../../infra/sqs-queue-url.ts';
import { parseS3Url } from '../../storage/s3-url.ts';
import type { CatalogConfig, QuiltCatalog } from './quilt-catalog.ts';
import type { QuiltStackFacts } from './quilt-stack.ts';

/** A value discovery offers for one profile setting, and where it was read. */
export interface Proposal {
  value: string;
  source: string;
}

/** The profile settings discovery can propose; each one is overridden by its flag or at its prompt. */
export type ProposedSetting = 'region' | 'quiltCatalog' | 'packager' | 'bucketName';

export interface QuiltProposals {
  catalog: string;
  stack: string | undefined;
  proposals: Partial<Record<ProposedSetting, Proposal>>;
  /** Bucket outputs when there are several and none can be told to be the package bucket: shown, none proposed. */
  bucketChoices: Proposal[];
}

/** The flag that overrides each proposal. */
export const PROPOSAL_FLAGS: Record<ProposedSetting, string> = {
  region: '--region',
  quiltCatalog: '--quilt-catalog',
  packager: '--packager',
  bucketName: '--bucket-name',
};

const API_ID = /^([a-z0-9]{10})\.execute-api\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/;

/**
 * The physical ids in a catalog's config that belong to the Quilt stack, in the order to ask
 * CloudFormation which stack owns them: the catalog's API Gateway, then its service and
 * analytics buckets. The config does not name the stack itself; these resources lead to it.
 */
export function stackResourceIds(config: CatalogConfig): string[] {
  const ids: string[] = [];
  if (config.apiGatewayEndpoint) {
    try {
      const match = API_ID.exec(new URL(config.apiGatewayEndpoint).hostname);
      if (match) ids.push(match[1]!);
    } catch {
      // A relative or malformed endpoint names no API.
    }
  }
  for (const bucket of [config.serviceBucket, config.analyticsBucket]) if (bucket && isBucketName(bucket)) ids.push(bucket);
  return [...new Set(ids)];
}

/**
 * Pure: the stacks whose `QuiltWebHost` output is this catalog's host. Used when no stack owns
 * the resources the config names (or it names none).
 */
export function stacksServing(host: string, stacks: readonly QuiltStackFacts[]): string[] {
  const wanted = host.toLowerCase();
  return stacks.filter((s) => s.outputs.QuiltWebHost !== undefined && catalogHost(s.outputs.QuiltWebHost) === wanted).map((s) => s.name);
}

function isBucketName(value: string): boolean {
  try {
    return !value.includes('/') && parseS3Url(`s3://${value}`).bucket === value;
  } catch {
    return false;
  }
}

function isQueueUrl(value: string): boolean {
  try {
    parseSqsQueueUrl(value, 'PACKAGER');
    return true;
  } catch {
    return false;
  }
}

/*
 * Which stack outputs mean what. A Quilt stack's output names differ between its versions, so
 * they are matched by pattern, the exact name first:
 * - the packaging engine's queue: `PackagerQueueUrl`, else a key naming both a packager and a
 *   queue (not a dead-letter queue), whose value is an SQS queue URL;
 * - the catalog host: `QuiltWebHost`;
 * - package buckets: keys ending in `Bucket` or `BucketName` whose value is a bucket name, except
 *   the stack's own working buckets (the config's service and analytics buckets, and keys that
 *   say service, analytics, logs, trail, Athena, query results or cache).
 */
const PACKAGER_KEY = /packag/i;
const QUEUE_KEY = /queue/i;
const DEAD_LETTER_KEY = /dead|dlq/i;
const BUCKET_KEY = /bucket(name)?$/i;
const WORKING_BUCKET_KEY = /service|analytics|log|trail|athena|result|cache|query|tabulator|cloudfront/i;

type Outputs = [key: string, value: string][];

function packagerOutput(outputs: Outputs): [string, string] | undefined {
  const exact = outputs.find(([key, value]) => key === 'PackagerQueueUrl' && isQueueUrl(value));
  return exact ?? outputs.find(([key, value]) => PACKAGER_KEY.test(key) && QUEUE_KEY.test(key) && !DEAD_LETTER_KEY.test(key) && isQueueUrl(value));
}

function bucketOutputs(outputs: Outputs, config: CatalogConfig): Outputs {
  const working = new Set([config.serviceBucket, config.analyticsBucket].filter((b) => b !== undefined));
  return outputs.filter(([key, value]) => BUCKET_KEY.test(key) && !WORKING_BUCKET_KEY.test(key) && !working.has(value) && isBucketName(value));
}

function bucketCandidates(catalog: QuiltCatalog, stack: QuiltStackFacts | undefined): Proposal[] {
  const candidates: Proposal[] = [];
  const { defaultBucket } = catalog.config;
  if (defaultBucket && isBucketName(defaultBucket)) candidates.push({ value: defaultBucket, source: 'catalog config.json defaultBucket' });
  if (stack) {
    for (const [key, value] of bucketOutputs(Object.entries(stack.outputs), catalog.config)) {
      candidates.push({ value, source: `stack ${stack.name} output ${key}` });
    }
  }
  const seen = new Set<string>();
  return candidates.filter((c) => !seen.has(c.value) && seen.add(c.value));
}

/** Pure: the catalog's config and its stack's outputs, as proposals for the profile, each with its source. */
export function proposeFromQuilt(catalog: QuiltCatalog, stack: QuiltStackFacts | undefined): QuiltProposals {
  const outputs = Object.entries(stack?.outputs ?? {});
  const proposals: QuiltProposals['proposals'] = {
    region: { value: catalog.config.region, source: 'catalog config.json region' },
  };
  const webHost = outputs.find(([key]) => key === 'QuiltWebHost');
  const host = webHost && catalogHost(webHost[1]);
  proposals.quiltCatalog = host && stack ? { value: host, source: `stack ${stack.name} output QuiltWebHost` } : { value: catalog.host, source: 'the catalog address' };
  const packager = packagerOutput(outputs);
  if (packager && stack) proposals.packager = { value: packager[1], source: `stack ${stack.name} output ${packager[0]}` };
  const buckets = bucketCandidates(catalog, stack);
  if (buckets.length === 1) proposals.bucketName = buckets[0];
  return { catalog: catalog.origin, stack: stack?.name, proposals, bucketChoices: buckets.length > 1 ? buckets : [] };
}

/** The proposals as lines for the terminal: setting, value, source. */
export function describeProposals(quilt: QuiltProposals): string[] {
  const entries = Object.entries(quilt.proposals) as [ProposedSetting, Proposal][];
  const width = Math.max(...entries.map(([key]) => key.length));
  const lines = [`Quilt catalog ${quilt.catalog}${quilt.stack ? `, stack ${quilt.stack}` : ''} proposes (a flag or an answer overrides each):`];
  for (const [key, proposal] of entries) lines.push(`  ${key.padEnd(width)}  ${proposal.value}  (${proposal.source})`);
  if (quilt.bucketChoices.length > 0) {
    lines.push(`  the stack has several buckets; choose one with --bucket-name: ${quilt.bucketChoices.map((c) => `${c.value} (${c.source})`).join(', ')}`);
  }
  return lines;
}
