import { expect } from '@jest/globals';
import {
  campaignFixture,
  type CampaignClient,
  type CampaignFixture,
  type TestInfrastructure,
  type TestServices,
} from '../../src/index.ts';
import { expectCampaignInDigit, sheetContents } from './expected-state.ts';

// A facility bulk create that DIGIT holds and applies only after the worker that sent it was killed and
// started again: what the tests of a crash after a write share.

const VARIANTS = ['PVAR-2026-01-01-000001'];

export async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A campaign of `facilities` facilities whose first facility bulk create DIGIT applies `heldMs` late. */
export async function campaignWithHeldFacilityCreate(
  infrastructure: TestInfrastructure,
  options: { facilities: number; seed: number; heldMs: number },
): Promise<CampaignFixture> {
  const fixture = await campaignFixture({
    digitUrl: infrastructure.digit.url,
    facilities: options.facilities,
    users: 4,
    seed: options.seed,
    productVariants: VARIANTS,
  });
  await infrastructure.digit.client.setBehaviour({
    facility: {
      faults: [{ kind: 'late-apply', path: '/facility/v1/bulk/_create', count: 1, holdMs: options.heldMs }],
    },
  });
  return fixture;
}

/** Waits until DIGIT holds the create (it was sent); returns when it saw it held. */
export async function untilFacilityCreateHeld(infrastructure: TestInfrastructure): Promise<number> {
  await until(
    async () => (await infrastructure.digit.client.calls()).facility.faults['late-apply'] === 1,
    60_000,
  );
  return Date.now();
}

/** Kills facility-sync and starts it again. */
export async function restartFacilitySync(services: TestServices): Promise<void> {
  const worker = services.processes.get('facility-sync');
  worker?.child.kill('SIGKILL');
  await worker?.exited;
  await services.start('facility-sync');
}

/** The campaign is created, and once the held write has landed DIGIT holds each of its entities once. */
export async function expectCreatedOnce(
  infrastructure: TestInfrastructure,
  client: CampaignClient,
  campaign: { id: string; campaignNumber: string; fixture: CampaignFixture; landsAt: number },
): Promise<void> {
  const done = await client.waitForStatus(campaign.id, ['created', 'failed'], { timeoutMs: 120_000 });
  expect(done.campaign.status).toBe('created');
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, campaign.landsAt + 500 - Date.now())));
  await expectCampaignInDigit(infrastructure.digit, {
    campaignNumber: campaign.campaignNumber,
    rootCode: 'MZ',
    contents: await sheetContents(infrastructure.digit, campaign.fixture.sheets, 'MZ'),
    productVariants: VARIANTS,
  });
}
