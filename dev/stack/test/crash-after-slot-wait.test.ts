// A write that waited for its call slot for longer than its rows' attempt stamp may be old, then was sent
// and applied only after the worker that sent it was killed. Once it held its slot the worker stamped its
// rows again, so the restarted worker waits out the window after the send, not after the first stamp: it
// finds the write and adopts it. Counted from the first stamp, the window would close before DIGIT
// applies the write, and the facilities would be created a second time.
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { campaignFixture } from '../src/index.ts';
import { expectCampaignInDigit, sheetContents } from './support/expected-state.ts';
import { campaignStack } from './support/stack.ts';

const VARIANTS = ['PVAR-2026-01-01-000001'];
const CLIENT_TIMEOUT_MS = 4000;
const CONSISTENCY_MS = 1000;
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

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a facility create sent long after its rows were stamped, applied after its worker was killed', () => {
  it('is adopted by the restarted worker, not created again', async () => {
    const infrastructure = stack.infrastructure();
    const services = stack.services();
    const client = stack.client();
    // One chunk of facilities: one bulk create, the one DIGIT holds.
    const fixture = await campaignFixture({
      digitUrl: infrastructure.digit.url,
      facilities: 8,
      users: 4,
      seed: 53,
      productVariants: VARIANTS,
    });
    await infrastructure.digit.client.setBehaviour({
      facility: {
        faults: [
          { kind: 'late-apply', path: '/facility/v1/bulk/_create', count: 1, holdMs: APPLIED_AFTER_MS },
        ],
      },
    });
    const holder = new pg.Client({ connectionString: infrastructure.database.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtext($1), $2)', SLOT);
      const created = (await client.create(fixture.details)).data.CampaignDetails;
      const stamped = async () => {
        const { rows } = await holder.query<{ stamped: number }>(
          'SELECT count(attempted_at)::int AS stamped FROM campaign_facility WHERE campaign_id = $1',
          [created?.id],
        );
        return (rows[0]?.stamped ?? 0) > 0;
      };
      await until(stamped, 60_000);
      const firstStamp = Date.now();
      await new Promise((resolve) => setTimeout(resolve, SLOT_HELD_MS));
      await holder.query('SELECT pg_advisory_unlock(hashtext($1), $2)', SLOT);
      await until(
        async () => (await infrastructure.digit.client.calls()).facility.faults['late-apply'] === 1,
        60_000,
      );
      const sentAt = Date.now();
      const { rows } = await holder.query<{ newest: Date }>(
        'SELECT max(attempted_at) AS newest FROM campaign_facility WHERE campaign_id = $1',
        [created?.id],
      );
      // Stamped again once it held the slot: not older than the maximum age when it was sent.
      expect(rows[0]?.newest.getTime()).toBeGreaterThanOrEqual(firstStamp + SLOT_HELD_MS - 500);
      // Killed while DIGIT holds its write, and back before DIGIT applies it.
      const worker = services.processes.get('facility-sync');
      worker?.child.kill('SIGKILL');
      await worker?.exited;
      await services.start('facility-sync');
      expect(Date.now() - sentAt).toBeLessThan(APPLIED_AFTER_MS);

      const { campaign } = await client.waitForStatus(created?.id as string, ['created', 'failed'], {
        timeoutMs: 120_000,
      });
      expect(campaign.status).toBe('created');
      // The state is judged once the held write has landed, whenever the campaign finished.
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, sentAt + APPLIED_AFTER_MS + 500 - Date.now())),
      );
      await expectCampaignInDigit(infrastructure.digit, {
        campaignNumber: created?.campaignNumber as string,
        rootCode: 'MZ',
        contents: await sheetContents(infrastructure.digit, fixture.sheets, 'MZ'),
        productVariants: VARIANTS,
      });
    } finally {
      await holder.end();
    }
  });
});
