// A write whose sender dies while DIGIT still holds it: DIGIT applies it after the worker was killed and
// restarted. The restarted worker must not search before that write can show (its sender would have
// waited for the timeout, then the consistency window), or it finds nothing and creates it a second time.
import { describe, expect, it } from '@jest/globals';
import {
  campaignWithHeldFacilityCreate,
  expectCreatedOnce,
  restartFacilitySync,
  untilFacilityCreateHeld,
} from './support/held-facility-create.ts';
import { campaignStack } from './support/stack.ts';

const CLIENT_TIMEOUT_MS = 4000;
const CONSISTENCY_MS = 1000;
/** Applied after the caller's timeout, within the consistency window that follows it. */
const APPLIED_AFTER_MS = CLIENT_TIMEOUT_MS + 800;

const stack = campaignStack({
  CHUNK_SIZE: '10',
  DIGIT_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS),
  DIGIT_SEARCH_CONSISTENCY_MS: String(CONSISTENCY_MS),
});

describe('a facility create applied after the worker that sent it was killed', () => {
  it('is adopted by the restarted worker, not created again', async () => {
    const infrastructure = stack.infrastructure();
    const client = stack.client();
    const fixture = await campaignWithHeldFacilityCreate(infrastructure, {
      facilities: 12,
      seed: 47,
      heldMs: APPLIED_AFTER_MS,
    });
    const created = (await client.create(fixture.details)).data.CampaignDetails;
    // Killed while DIGIT holds its write, and back long before DIGIT applies it.
    const heldSince = await untilFacilityCreateHeld(infrastructure);
    await restartFacilitySync(stack.services());
    expect(Date.now() - heldSince).toBeLessThan(APPLIED_AFTER_MS);
    await expectCreatedOnce(infrastructure, client, {
      id: created?.id as string,
      campaignNumber: created?.campaignNumber as string,
      fixture,
      landsAt: heldSince + APPLIED_AFTER_MS,
    });
  });
});
