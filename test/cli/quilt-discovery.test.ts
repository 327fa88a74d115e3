import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { catalogHost } from '../../src/canvas/urls.ts';
import { catalogOrigin, parseCatalogConfig, type QuiltCatalog } from '../../src/cli/init/quilt-catalog.ts';
import { describeProposals, proposeFromQuilt, stackResourceIds, stacksServing } from '../../src/cli/init/quilt-discovery.ts';
import type { QuiltStackFacts } from '../../src/cli/init/quilt-stack.ts';
import { AppError } from '../../src/errors/app-error.ts';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/quilt-PackagerQueue-AbC';

function catalog(config: Partial<QuiltCatalog['config']> = {}): QuiltCatalog {
  return {
    origin: 'https://catalog.example.com',
    host: 'catalog.example.com',
    configUrl: 'https://catalog.example.com/config.json',
    config: { region: 'eu-west-1', serviceBucket: 'quilt-servicebucket-x1', analyticsBucket: 'quilt-analyticsbucket-y2', ...config },
  };
}

test('the stack is looked up by the API id, then the service and analytics buckets', () => {
  assert.deepEqual(stackResourceIds(catalog({ apiGatewayEndpoint: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod' }).config), [
    'a1b2c3d4e5',
    'quilt-servicebucket-x1',
    'quilt-analyticsbucket-y2',
  ]);
  assert.deepEqual(stackResourceIds({ region: 'eu-west-1', apiGatewayEndpoint: '/api', serviceBucket: 'Not A Bucket' }), [], 'a relative endpoint and a non-bucket name lead nowhere');
});

test("a stack serves the catalog when its QuiltWebHost output is the catalog's host, written any way", () => {
  const stacks: QuiltStackFacts[] = [
    { name: 'a', region: 'eu-west-1', outputs: { QuiltWebHost: 'https://Catalog.Example.com/' } },
    { name: 'b', region: 'eu-west-1', outputs: { QuiltWebHost: 'other.example.com' } },
    { name: 'c', region: 'eu-west-1', outputs: {} },
  ];
  assert.deepEqual(stacksServing('catalog.example.com', stacks), ['a']);
  assert.deepEqual(stacksServing('nothing.example.com', stacks), []);
});

test('exact output names are preferred; the packager falls back to a key naming a packaging queue whose value is a queue URL', () => {
  const exact = proposeFromQuilt(catalog(), {
    name: 'quilt',
    region: 'eu-west-1',
    outputs: { PackagerQueueUrl: QUEUE, PackagingDeadLetterQueueUrl: `${QUEUE}-dlq`, QuiltWebHost: 'data.example.com' },
  });
  assert.deepEqual(exact.proposals.packager, { value: QUEUE, source: 'stack quilt output PackagerQueueUrl' });
  assert.deepEqual(exact.proposals.quiltCatalog, { value: 'data.example.com', source: 'stack quilt output QuiltWebHost' });

  const renamed = proposeFromQuilt(catalog(), {
    name: 'quilt',
    region: 'eu-west-1',
    outputs: { PackagingDeadLetterQueueUrl: `${QUEUE}-dlq`, PackagerQueueArn: 'arn:aws:sqs:eu-west-1:123456789012:q', PackagingQueueUrl: QUEUE },
  });
  assert.deepEqual(renamed.proposals.packager, { value: QUEUE, source: 'stack quilt output PackagingQueueUrl' });
  assert.deepEqual(renamed.proposals.quiltCatalog, { value: 'catalog.example.com', source: 'the catalog address' }, 'no QuiltWebHost: the address given');
});

test("the stack's working buckets are never proposed; several package buckets are listed and none chosen", () => {
  const outputs = { ServiceBucket: 'quilt-servicebucket-x1', AnalyticsBucketName: 'other-analytics', CloudTrailBucket: 'trail-bucket', PackageBucket: 'lab-packages' };
  const one = proposeFromQuilt(catalog(), { name: 'quilt', region: 'eu-west-1', outputs });
  assert.deepEqual(one.proposals.bucketName, { value: 'lab-packages', source: 'stack quilt output PackageBucket' });

  const two = proposeFromQuilt(catalog({ defaultBucket: 'landing-bucket' }), { name: 'quilt', region: 'eu-west-1', outputs });
  assert.equal(two.proposals.bucketName, undefined);
  assert.deepEqual(two.bucketChoices.map((c) => c.value), ['landing-bucket', 'lab-packages']);
  assert.match(describeProposals(two).join('\n'), /several buckets; choose one with --bucket-name: landing-bucket \(catalog config\.json defaultBucket\), lab-packages/);
});

test('any stack outputs: every proposal quotes an output of the stack (or the config), and a working bucket is never the package bucket', () => {
  const key = fc.constantFrom('PackagerQueueUrl', 'PackagingQueueUrl', 'QuiltWebHost', 'PackageBucket', 'DataBucketName', 'ServiceBucket', 'LogBucket', 'RegistryHost', 'Other');
  const value = fc.oneof(fc.constant(QUEUE), fc.constant('quilt-servicebucket-x1'), fc.stringMatching(/^[a-z0-9][a-z0-9.-]{2,20}[a-z0-9]$/), fc.string());
  fc.assert(
    fc.property(fc.dictionary(key, value), (outputs) => {
      const { proposals, bucketChoices } = proposeFromQuilt(catalog(), { name: 'quilt', region: 'eu-west-1', outputs });
      assert.deepEqual(proposals.region, { value: 'eu-west-1', source: 'catalog config.json region' });
      for (const proposal of [...Object.values(proposals), ...bucketChoices]) {
        const quoted = /^stack quilt output (\w+)$/.exec(proposal.source);
        // The catalog host is the output's host, normalised as the canvas links use it; other values are quoted as they are.
        if (quoted) assert.equal(quoted[1] === 'QuiltWebHost' ? catalogHost(outputs.QuiltWebHost) : outputs[quoted[1]!], proposal.value);
      }
      assert.notEqual(proposals.bucketName?.value, 'quilt-servicebucket-x1');
      if (proposals.packager) assert.equal(proposals.packager.value, QUEUE);
    }),
  );
});

test('any text served as config.json is parsed or refused with QUILT_CATALOG_NOT_A_CATALOG, never anything else', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ region: v }))), (text) => {
      try {
        const config = parseCatalogConfig('https://c.example.com/config.json', text);
        assert.ok(config.region.trim().length > 0);
      } catch (error) {
        assert.ok(error instanceof AppError && error.code === 'QUILT_CATALOG_NOT_A_CATALOG', String(error));
      }
    }),
  );
});

test('a catalog address: host, URL or a page of the catalog; no scheme means https; anything else is a usage error', () => {
  assert.equal(catalogOrigin('catalog.example.com').origin, 'https://catalog.example.com');
  assert.equal(catalogOrigin(' https://Catalog.Example.com/b/data/packages ').origin, 'https://catalog.example.com');
  assert.equal(catalogOrigin('http://127.0.0.1:3000/').origin, 'http://127.0.0.1:3000');
  for (const bad of ['ftp://catalog.example.com', 'https://user:pw@catalog.example.com', 'not a host', 'https://']) {
    assert.throws(() => catalogOrigin(bad), (e: AppError) => e.code === 'QUILT_CATALOG_INVALID' && e.exitCode === 2, bad);
  }
});
