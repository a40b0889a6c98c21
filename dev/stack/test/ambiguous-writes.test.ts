// Writes whose answer is lost: DIGIT applies the write, then the caller hears nothing (lost-answer), a
// gateway's 502/504 (applied-then-error), or the write lands after the caller gave up (late-apply). On
// every write endpoint a campaign's creation uses, each kind ends in the exact expected state with no
// entity created twice.
import { afterEach, describe, expect, it } from '@jest/globals';
import type { CAMPAIGN_WRITE_PATHS } from '@campaign-pipeline/dev-digit';
import { type BehaviourPatch, type CallReport, type FaultRule } from '@campaign-pipeline/dev-digit';
import { campaignFixture } from '../src/index.ts';
import { expectCampaignInDigit, sheetContents } from './support/expected-state.ts';
import { campaignStack } from './support/stack.ts';

const VARIANTS = ['PVAR-2026-01-01-000001'];
const CLIENT_TIMEOUT_MS = 1500;
/** Covers DIGIT's persister lag and how long after the caller's timeout a write may still land. */
const CONSISTENCY_MS = 1000;

/**
 * Every write endpoint a campaign's creation calls: projects in arrays, HRMS batches, facilities and
 * the three mappings through their bulk creates (updates of projects happen only in child campaigns, the
 * single creates only for what a bulk create dropped).
 */
const WRITE_ENDPOINTS = {
  project: [
    '/health-project/v1/_create',
    '/health-project/facility/v1/bulk/_create',
    '/health-project/staff/v1/bulk/_create',
    '/health-project/resource/v1/bulk/_create',
  ],
  facility: ['/facility/v1/bulk/_create'],
  hrms: ['/health-hrms/employees/_create'],
} satisfies {
  [service in keyof typeof CAMPAIGN_WRITE_PATHS]: (typeof CAMPAIGN_WRITE_PATHS)[service][number][];
};

const stack = campaignStack({
  CHUNK_SIZE: '10',
  DIGIT_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS),
  DIGIT_SEARCH_CONSISTENCY_MS: String(CONSISTENCY_MS),
});

afterEach(async () => {
  await stack.infrastructure().digit.client.reset();
});

function faultsOnEveryWrite(kind: FaultRule['kind'], extra: Partial<FaultRule>) {
  const rules = (paths: readonly string[]) => paths.map((path) => ({ kind, path, count: 2, ...extra }));
  return {
    project: { faults: rules(WRITE_ENDPOINTS.project) },
    facility: { faults: rules(WRITE_ENDPOINTS.facility) },
    hrms: { faults: rules(WRITE_ENDPOINTS.hrms) },
  };
}

/**
 * Creates a small campaign (`seed` picks its sheets) with DIGIT behaving as `behaviour` says, expects it
 * created; `check` then looks at DIGIT's calls, and DIGIT must hold exactly what the sheets ask for.
 */
async function createUnder(
  seed: number,
  behaviour: BehaviourPatch,
  check: (calls: CallReport) => void,
): Promise<void> {
  const infrastructure = stack.infrastructure();
  const client = stack.client();
  const fixture = await campaignFixture({
    digitUrl: infrastructure.digit.url,
    facilities: 12,
    users: 20,
    seed,
    productVariants: VARIANTS,
  });
  await infrastructure.digit.client.setBehaviour(behaviour);
  const created = (await client.create(fixture.details)).data.CampaignDetails;
  const { campaign } = await client.waitForStatus(created?.id as string, ['created', 'failed'], {
    timeoutMs: 120_000,
  });
  expect(campaign.status).toBe('created');
  check(await infrastructure.digit.client.calls());
  await expectCampaignInDigit(infrastructure.digit, {
    campaignNumber: created?.campaignNumber as string,
    rootCode: 'MZ',
    contents: await sheetContents(infrastructure.digit, fixture.sheets, 'MZ'),
    productVariants: VARIANTS,
  });
}

describe.each([
  ['lost-answer', {}],
  ['applied-then-error', { status: 504 }],
  ['late-apply', { holdMs: CLIENT_TIMEOUT_MS + 500 }],
] as const)('a campaign whose writes meet %s', (kind, extra) => {
  it('is created exactly once, with the expected state', async () => {
    await createUnder(31, faultsOnEveryWrite(kind, extra), (calls) => {
      // Every write endpoint met the fault, twice.
      expect(calls.project.faults[kind]).toBe(2 * WRITE_ENDPOINTS.project.length);
      expect(calls.facility.faults[kind]).toBe(2);
      expect(calls.hrms.faults[kind]).toBe(2);
    });
  });
});

describe('a campaign whose project creates are lost while DIGIT pages its project search short', () => {
  it('adopts every project of each lost create, reading every page of the search', async () => {
    // Pages of one project against creates of up to 10 (the chunk), as DIGIT's 200 against the default
    // chunk of 500; the first 6 creates (every level down to whole chunks of localities) are lost.
    const behaviour = {
      project: {
        searchPageMax: 1,
        faults: [{ kind: 'lost-answer' as const, path: '/health-project/v1/_create', count: 6 }],
      },
    };
    await createUnder(32, behaviour, (calls) => expect(calls.project.faults['lost-answer']).toBe(6));
  });
});
