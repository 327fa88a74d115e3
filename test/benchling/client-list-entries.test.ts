import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { BenchlingError, BenchlingErrorCode } from '../../src/benchling/api-errors.ts';
import type { BenchlingClient, EntryListQuery } from '../../src/benchling/benchling-client.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { clientFor } from './client-fixtures.ts';

/** `GET /entries` through the real client against the sandbox: paging, filters, refusals. */

const DAY = 86_400_000;
const START = Date.parse('2024-01-01T00:00:00Z');

async function listAll(client: BenchlingClient, query: EntryListQuery): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.listEntries({ ...query, nextToken });
    ids.push(...page.entries.map((e) => e.id));
    nextToken = page.nextToken;
  } while (nextToken);
  return ids;
}

describe('BenchlingClient.listEntries against the sandbox', () => {
  let tenant: SandboxTenant;
  let client: BenchlingClient;
  const ids: string[] = [];
  before(async () => {
    tenant = await new SandboxTenant({ rateLimit: false, seedDemoEntry: false }).start();
    knownSecretValues(tenant.secret.client_id, tenant.secret.client_secret);
    client = clientFor(tenant);
    for (let i = 0; i < 30; i++) {
      const at = new Date(START + i * DAY).toISOString();
      ids.push(tenant.addEntry({ createdAt: at, modifiedAt: at, ...(i % 3 === 0 ? { schema: { id: 'ts_Other001', name: 'Other' } } : {}) }).id);
    }
  });
  after(() => tenant.stop());

  test('any page size pages through every entry once, oldest first with modifiedAt:asc', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 100 }), async (pageSize) => {
        assert.deepEqual(await listAll(client, { pageSize, sort: 'modifiedAt:asc' }), ids);
      }),
      { seed: 3, numRuns: 15 },
    );
  });

  test('modifiedAt, schemaId and ids restrict the list as Benchling does', async () => {
    const since = new Date(START + 19.5 * DAY).toISOString();
    assert.deepEqual(await listAll(client, { modifiedAt: `> ${since}`, sort: 'modifiedAt:asc' }), ids.slice(20));
    assert.deepEqual(await listAll(client, { schemaId: 'ts_Other001', sort: 'modifiedAt:asc' }), ids.filter((_, i) => i % 3 === 0));
    assert.deepEqual(await listAll(client, { ids: [ids[4]!, ids[7]!], sort: 'modifiedAt:asc' }), [ids[4], ids[7]]);
  });

  test('a page size outside 1..100 or an id that is not one is refused before any call', async () => {
    const calls = tenant.count('GET /api/v2/entries');
    for (const query of [{ pageSize: 0 }, { pageSize: 101 }, { projectId: 'lib/../x' }, { ids: ['etr_ok', 'not an id'] }] as EntryListQuery[]) {
      await assert.rejects(client.listEntries(query), (e: unknown) => e instanceof BenchlingError && [BenchlingErrorCode.CONFIG, BenchlingErrorCode.INVALID_ID].includes(e.code as never));
    }
    assert.equal(tenant.count('GET /api/v2/entries'), calls);
  });
});
