// Users whose phones HRMS already holds. HRMS refuses a whole batch for one taken phone without saying
// which: the pipeline sends halves until the taken rows stand alone, adopts an employee that is the row's
// own person, and fails the campaign, naming the phone, when it is somebody else.
import { afterEach, describe, expect, it } from '@jest/globals';
import { EMPLOYEE_CAMPAIGN_VARIANTS, employeeCampaign } from './support/employee-campaign.ts';
import { expectCreatedInDigit } from './support/expected-state.ts';
import { campaignStack } from './support/stack.ts';

const USERS = 64;
const HRMS_CREATE = 'POST /health-hrms/employees/_create';

// One chunk and one HRMS batch hold every user.
const stack = campaignStack({ CHUNK_SIZE: String(USERS), DIGIT_HRMS_BATCH_SIZE: String(USERS) });

afterEach(async () => {
  await stack.infrastructure().digit.client.reset();
});

function fixtureWithUsers(seed: number) {
  return employeeCampaign(stack, { users: USERS, seed });
}

describe('a campaign whose users HRMS already holds', () => {
  it('adopts the employees that are the same people, sending halves of the refused batch', async () => {
    const digit = stack.infrastructure().digit;
    const { fixture, contents } = await fixtureWithUsers(51);
    const held = [contents.users[5], contents.users[40]].map((row) => ({
      phone: row?.phone as string,
      name: row?.name as string,
    }));
    const planted = (await digit.client.plant({ employees: held })).employees;

    await expectCreatedInDigit(stack.client(), digit, fixture.details, {
      contents,
      productVariants: EMPLOYEE_CAMPAIGN_VARIANTS,
      timeoutMs: 60_000,
    });
    // The held phones are the planted employees, once each: adopted, not created again.
    const employees = (await digit.client.employees()).items;
    for (const [index, person] of held.entries()) {
      const withPhone = employees.filter((employee) => employee.user.mobileNumber === person.phone);
      expect(withPhone.map((employee) => employee.uuid)).toEqual([planted[index]]);
    }
    expect(employees).toHaveLength(USERS);
    // Halving the batch of 64 down to each of the two taken rows: far fewer creates than one per user.
    const creates = (await digit.client.calls()).hrms.byRoute[HRMS_CREATE] ?? 0;
    expect(creates).toBeGreaterThan(1);
    expect(creates).toBeLessThanOrEqual(1 + 2 * 2 * Math.log2(USERS));
  });

  it('fails the campaign naming the phone that belongs to somebody else', async () => {
    const digit = stack.infrastructure().digit;
    const { fixture, contents } = await fixtureWithUsers(52);
    const phone = contents.users[20]?.phone as string;
    await digit.client.plant({ employees: [{ phone, name: 'Somebody Else' }] });

    const created = (await stack.client().create(fixture.details)).data.CampaignDetails;
    const { campaign } = await stack.client().waitForStatus(created?.id as string, ['created', 'failed'], {
      timeoutMs: 60_000,
    });
    expect(campaign.status).toBe('failed');
    expect(campaign.lastError).toMatchObject({
      code: 'USER_PHONE_TAKEN',
      step: 'user-creation',
      message: expect.stringContaining(`phone ${phone} belongs to HRMS user "Somebody Else"`),
    });
    // Nobody was created under the taken phone.
    const withPhone = (await digit.client.employees()).items.filter(
      (employee) => employee.user.mobileNumber === phone,
    );
    expect(withPhone.map((employee) => employee.user.name)).toEqual(['Somebody Else']);
  });
});
