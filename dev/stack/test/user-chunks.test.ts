// A chunk of users is one HRMS create, and an HRMS create is bounded by the 1 MiB message HRMS saves its
// employees in. A few supervisors who name fifty localities each take ten times a field worker's bytes:
// intake cuts the users' chunks by each one's bytes, so the supervisors do not shrink every chunk.
import { describe, expect, it } from '@jest/globals';
import { BULK_BATCH_MAX_BYTES } from '@campaign-pipeline/shared';
import { EMPLOYEE_CAMPAIGN_VARIANTS, employeeCampaign } from './support/employee-campaign.ts';
import { expectCampaignInDigit } from './support/expected-state.ts';
import { campaignStack } from './support/stack.ts';

const USERS = 1500;
const SUPERVISORS = 10;
const HRMS_CREATE = 'POST /health-hrms/employees/_create';

// Chunks as large as the users' requests allow: a request, not the share of the work, bounds them.
const stack = campaignStack({ CHUNK_MIN_ROWS: '5000' });

describe('chunks of users of different sizes', () => {
  it('fills each HRMS create with as many users as its bytes hold, however large the largest', async () => {
    const digit = stack.infrastructure().digit;
    const { fixture, contents } = await employeeCampaign(stack, {
      users: USERS,
      seed: 7,
      wideUsers: SUPERVISORS,
    });
    expect(contents.users.filter((user) => user.boundaryCodes.length >= 50)).toHaveLength(SUPERVISORS);

    const created = (await stack.client().create(fixture.details)).data.CampaignDetails;
    const { campaign, steps } = await stack
      .client()
      .waitForStatus(created?.id as string, ['created', 'failed'], { timeoutMs: 120_000 });
    expect(campaign.status).toBe('created');
    await expectCampaignInDigit(digit, {
      campaignNumber: created?.campaignNumber as string,
      rootCode: 'MZ',
      contents,
      productVariants: EMPLOYEE_CAMPAIGN_VARIANTS,
    });

    // What HRMS saved would fill this many requests; chunks cut to fit the supervisors' size would be over
    // twenty.
    const saved = (await digit.client.calls()).hrms.pushed[HRMS_CREATE];
    const fullRequests = Math.ceil((saved?.bytes ?? 0) / BULK_BATCH_MAX_BYTES);
    expect(fullRequests).toBeGreaterThanOrEqual(2);
    const chunks = steps.find((step) => step.step === 'user-creation')?.chunks.total ?? 0;
    expect(chunks).toBeGreaterThanOrEqual(fullRequests);
    expect(chunks).toBeLessThanOrEqual(fullRequests + 1);
  });
});
