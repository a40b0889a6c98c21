// Bulk creates that DIGIT answers 202 and then partly drops, as its asynchronous validation does with an
// item it cannot validate at that moment: the pipeline finds by search what was saved, settles each
// dropped item through the single create, and the campaign ends with DIGIT's exact expected state.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BULK_CREATE_PATHS, type FaultRule } from '@campaign-pipeline/dev-digit';
import {
  campaignFixture,
  digitCampaignState,
  expectedCampaignState,
  sheetContext,
  startTestInfrastructure,
  startTestServices,
  stateDifferences,
  type TestInfrastructure,
  type TestServices,
} from '../src/index.ts';
import { sheetContents } from './support/expected-state.ts';

const VARIANTS = ['PVAR-2026-01-01-000001', 'PVAR-2026-01-01-000002'];
const DROP_RATE = 0.2;

/** Each bulk create the pipeline uses, with the single create that settles what it dropped. */
const SINGLE_CREATE_OF = {
  '/facility/v1/bulk/_create': '/facility/v1/_create',
  '/health-project/facility/v1/bulk/_create': '/health-project/facility/v1/_create',
  '/health-project/staff/v1/bulk/_create': '/health-project/staff/v1/_create',
  '/health-project/resource/v1/bulk/_create': '/health-project/resource/v1/_create',
} as const satisfies Record<(typeof BULK_CREATE_PATHS)[keyof typeof BULK_CREATE_PATHS][number], string>;

let infrastructure: TestInfrastructure;
let services: TestServices;

beforeAll(async () => {
  infrastructure = await startTestInfrastructure();
  // Several chunks per step and several batches per chunk.
  services = await startTestServices(infrastructure, {
    env: { CHUNK_SIZE: '20', DIGIT_BULK_BATCH_SIZE: '10' },
  });
});

afterAll(async () => {
  await services?.stop();
  await infrastructure?.stop();
});

const dropItems = (paths: readonly string[]): FaultRule[] =>
  paths.map((path) => ({ kind: 'drop-items', path, rate: DROP_RATE }));

describe('a campaign whose bulk creates DIGIT partly drops', () => {
  it('settles every dropped item through the single create and ends with the exact expected state', async () => {
    const digit = infrastructure.digit;
    const client = services.client();
    const fixture = await campaignFixture({
      digitUrl: digit.url,
      facilities: 50,
      users: 100,
      inactiveFacilities: 2,
      inactiveUsers: 3,
      seed: 41,
      productVariants: VARIANTS,
    });
    await digit.client.setBehaviour({
      facility: { faults: dropItems(BULK_CREATE_PATHS.facility) },
      project: { faults: dropItems(BULK_CREATE_PATHS.project) },
    });

    const created = (await client.create(fixture.details)).data.CampaignDetails;
    const { campaign } = await client.waitForStatus(created?.id as string, ['created', 'failed'], {
      timeoutMs: 50_000,
    });
    expect(campaign.status).toBe('created');

    const context = await sheetContext(digit.url);
    const expected = expectedCampaignState(
      await sheetContents(digit, fixture.sheets, 'MZ'),
      context.hierarchy,
      context.projectType,
      VARIANTS,
    );
    const differences = stateDifferences(await digitCampaignState(digit.client), expected);
    expect(differences).toEqual({ missing: [], unexpected: [], total: 0 });
    expect((await digit.client.duplicates()).total).toBe(0);

    // DIGIT dropped items of every bulk create, for the fault only, and each went through the single
    // create once: nothing else did.
    const dropped = await digit.client.droppedItems();
    expect(new Set(dropped.map((item) => item.code))).toEqual(new Set(['DROPPED_BY_FAULT']));
    const calls = await digit.client.calls();
    expect((calls.facility.faults['drop-items'] ?? 0) + (calls.project.faults['drop-items'] ?? 0)).toBe(
      dropped.length,
    );
    const settled = Object.entries(SINGLE_CREATE_OF).map(([bulk, single]) => ({
      bulk,
      dropped: dropped.filter((item) => item.path === bulk).length,
      singleCreates:
        (bulk.startsWith('/facility/') ? calls.facility : calls.project).byRoute[`POST ${single}`] ?? 0,
    }));
    expect(settled.filter((path) => path.dropped === 0)).toEqual([]);
    expect(settled.filter((path) => path.singleCreates !== path.dropped)).toEqual([]);
  });
});
