import { expect } from '@jest/globals';
import { campaignFixture, type CampaignFixture } from '../../src/index.ts';
import { expectCreatedInDigit, sheetContents, type SheetContents } from './expected-state.ts';
import type { campaignStack } from './stack.ts';

/** The product variant of the employee campaigns' delivery rules. */
export const EMPLOYEE_CAMPAIGN_VARIANTS = ['PVAR-2026-01-01-000001'];

/**
 * A campaign of `users` active users (the first `wideUsers` of them naming fifty localities each) and six
 * facilities, with what its sheets hold.
 */
export async function employeeCampaign(
  stack: ReturnType<typeof campaignStack>,
  options: { users: number; seed: number; wideUsers?: number },
): Promise<{ fixture: CampaignFixture; contents: SheetContents }> {
  const digit = stack.infrastructure().digit;
  const fixture = await campaignFixture({
    digitUrl: digit.url,
    facilities: 6,
    users: options.users,
    inactiveUsers: 0,
    wideUsers: options.wideUsers ?? 0,
    seed: options.seed,
    productVariants: EMPLOYEE_CAMPAIGN_VARIANTS,
  });
  return { fixture, contents: await sheetContents(digit, fixture.sheets, 'MZ') };
}

/**
 * Creates a campaign of `users` active users (and six facilities) on the stack and waits until DIGIT holds
 * all of it as its sheets say, every user an HRMS employee.
 */
export async function expectEmployeesCreated(
  stack: ReturnType<typeof campaignStack>,
  users: number,
  seed: number,
): Promise<void> {
  const digit = stack.infrastructure().digit;
  const { fixture, contents } = await employeeCampaign(stack, { users, seed });
  await expectCreatedInDigit(stack.client(), digit, fixture.details, {
    contents,
    productVariants: EMPLOYEE_CAMPAIGN_VARIANTS,
    timeoutMs: 120_000,
  });
  expect((await digit.client.employees()).items).toHaveLength(users);
}
