// A write that waited for its call slot for longer than its rows' attempt stamp may be old, then was sent
// and applied only after the worker that sent it was killed. Once it held its slot the worker stamped its
// rows again, so the restarted worker waits out the window after the send, not after the first stamp: it
// finds the write and adopts it. Counted from the first stamp, the window would close before DIGIT
// applies the write, and the facilities would be created a second time.
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import {
  campaignWithHeldFacilityCreate,
  expectCreatedOnce,
  restartFacilitySync,
  until,
  untilFacilityCreateHeld,
} from './support/held-facility-create.ts';
import { campaignStack } from './support/stack.ts';

const CLIENT_TIMEOUT_MS = 4000;
/**
 * The window after the renewed stamp (maximum age, timeout, consistency: 6.3 s) closes 1.5 s after DIGIT
 * applies the write; counted from the first stamp, it closes 1.5 s before.
 */
const CONSISTENCY_MS = 2000;
const STAMP_MAX_AGE_MS = 300;
/** How long the test holds the facility service's only call slot, as another worker's call would. */
const SLOT_HELD_MS = 3000;
/** Applied after the caller's timeout, within the consistency window that follows it. */
const APPLIED_AFTER_MS = CLIENT_TIMEOUT_MS + 800;
const SLOT: [string, number] = ['digit-call-slot:facility', 1];

const stack = campaignStack({
  CHUNK_SIZE: '10',
  DIGIT_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS),
  DIGIT_SEARCH_CONSISTENCY_MS: String(CONSISTENCY_MS),
  DIGIT_ATTEMPT_STAMP_MAX_AGE_MS: String(STAMP_MAX_AGE_MS),
  DIGIT_FACILITY_CONCURRENCY: '1',
});

describe('a facility create sent long after its rows were stamped, applied after its worker was killed', () => {
  it('is adopted by the restarted worker, not created again', async () => {
    const infrastructure = stack.infrastructure();
    const client = stack.client();
    // One chunk of facilities: one bulk create, the one DIGIT holds.
    const fixture = await campaignWithHeldFacilityCreate(infrastructure, {
      facilities: 8,
      seed: 53,
      heldMs: APPLIED_AFTER_MS,
    });
    const holder = new pg.Client({ connectionString: infrastructure.database.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtext($1), $2)', SLOT);
      const created = (await client.create(fixture.details)).data.CampaignDetails;
      const newestStamp = async () => {
        const { rows } = await holder.query<{ newest: Date | null }>(
          'SELECT max(attempted_at) AS newest FROM campaign_facility WHERE campaign_id = $1',
          [created?.id],
        );
        return rows[0]?.newest?.getTime() ?? null;
      };
      await until(async () => (await newestStamp()) !== null, 60_000);
      const firstStamp = Date.now();
      await new Promise((resolve) => setTimeout(resolve, SLOT_HELD_MS));
      await holder.query('SELECT pg_advisory_unlock(hashtext($1), $2)', SLOT);
      const heldSince = await untilFacilityCreateHeld(infrastructure);
      // Stamped again once it held the slot: not older than the maximum age when it was sent.
      expect(await newestStamp()).toBeGreaterThanOrEqual(firstStamp + SLOT_HELD_MS - 500);
      // Killed while DIGIT holds its write, and back before DIGIT applies it.
      await restartFacilitySync(stack.services());
      expect(Date.now() - heldSince).toBeLessThan(APPLIED_AFTER_MS);
      await expectCreatedOnce(infrastructure, client, {
        id: created?.id as string,
        campaignNumber: created?.campaignNumber as string,
        fixture,
        landsAt: heldSince + APPLIED_AFTER_MS,
      });
    } finally {
      await holder.end();
    }
  });
});
