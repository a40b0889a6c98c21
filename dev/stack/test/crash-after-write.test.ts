// A write whose sender dies while DIGIT still holds it: DIGIT applies it after the worker was killed and
// restarted. The restarted worker must not search before that write can show (its sender would have
// waited for the timeout, then the consistency window), or it finds nothing and creates it a second time.
import { describe, expect, it } from '@jest/globals';
import { campaignFixture } from '../src/index.ts';
import { expectCampaignInDigit, sheetContents } from './support/expected-state.ts';
import { campaignStack } from './support/stack.ts';

const VARIANTS = ['PVAR-2026-01-01-000001'];
const CLIENT_TIMEOUT_MS = 4000;
const CONSISTENCY_MS = 1000;
/** Applied after the caller's timeout, within the consistency window that follows it. */
const APPLIED_AFTER_MS = CLIENT_TIMEOUT_MS + 800;

const stack = campaignStack({
  CHUNK_SIZE: '10',
  DIGIT_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS),
  DIGIT_SEARCH_CONSISTENCY_MS: String(CONSISTENCY_MS),
});

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a facility create applied after the worker that sent it was killed', () => {
  it('is adopted by the restarted worker, not created again', async () => {
    const infrastructure = stack.infrastructure();
    const services = stack.services();
    const client = stack.client();
    const fixture = await campaignFixture({
      digitUrl: infrastructure.digit.url,
      facilities: 12,
      users: 4,
      seed: 47,
      productVariants: VARIANTS,
    });
    await infrastructure.digit.client.setBehaviour({
      facility: {
        faults: [
          { kind: 'late-apply', path: '/facility/v1/bulk/_create', count: 1, holdMs: APPLIED_AFTER_MS },
        ],
      },
    });
    const created = (await client.create(fixture.details)).data.CampaignDetails;
    await until(
      async () => (await infrastructure.digit.client.calls()).facility.faults['late-apply'] === 1,
      60_000,
    );
    const heldSince = Date.now();
    // Killed while DIGIT holds its write, and back long before DIGIT applies it.
    const worker = services.processes.get('facility-sync');
    worker?.child.kill('SIGKILL');
    await worker?.exited;
    const restartedAt = Date.now();
    await services.start('facility-sync');
    expect(Date.now() - restartedAt).toBeLessThan(APPLIED_AFTER_MS);

    const { campaign } = await client.waitForStatus(created?.id as string, ['created', 'failed'], {
      timeoutMs: 120_000,
    });
    expect(campaign.status).toBe('created');
    // The state is judged once the held write has landed, whenever the campaign finished.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, heldSince + APPLIED_AFTER_MS + 500 - Date.now())),
    );
    await expectCampaignInDigit(infrastructure.digit, {
      campaignNumber: created?.campaignNumber as string,
      rootCode: 'MZ',
      contents: await sheetContents(infrastructure.digit, fixture.sheets, 'MZ'),
      productVariants: VARIANTS,
    });
  });
});
