import { expect } from '@jest/globals';
import { campaignFixture } from '../../src/index.ts';
import { expectCreatedInDigit, sheetContents } from './expected-state.ts';
import type { campaignStack } from './stack.ts';

const VARIANTS = ['PVAR-2026-01-01-000001'];

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
  const fixture = await campaignFixture({
    digitUrl: digit.url,
    facilities: 6,
    users,
    inactiveUsers: 0,
    seed,
    productVariants: VARIANTS,
  });
  const contents = await sheetContents(digit, fixture.sheets, 'MZ');
  await expectCreatedInDigit(stack.client(), digit, fixture.details, {
    contents,
    productVariants: VARIANTS,
    timeoutMs: 120_000,
  });
  expect((await digit.client.employees()).items).toHaveLength(users);
}
