// HRMS answers a create with every employee in full, so user-sync bounds the employees whose creates are
// in flight at once (DIGIT_HRMS_IN_FLIGHT_MAX), whatever the chunks handled together and the calls DIGIT
// allows.
import { describe, expect, it } from '@jest/globals';
import { campaignFixture } from '../src/index.ts';
import { expectCreatedInDigit, sheetContents } from './support/expected-state.ts';
import { campaignStack } from './support/stack.ts';

const VARIANTS = ['PVAR-2026-01-01-000001'];
const USERS = 60;
const HRMS_CREATE = 'POST /health-hrms/employees/_create';

// Chunks of 10 users each go in one create of 10, and only one create's employees may be in flight.
const stack = campaignStack({
  CHUNK_SIZE: '10',
  DIGIT_HRMS_BATCH_SIZE: '10',
  DIGIT_HRMS_BATCH_MAX: '10',
  DIGIT_HRMS_IN_FLIGHT_MAX: '10',
});

describe('employees in flight', () => {
  it('sends one HRMS create at a time when one batch fills the bound, though six chunks run together', async () => {
    const digit = stack.infrastructure().digit;
    // HRMS refuses a second call while one is in flight; each create takes 200 ms and more.
    await digit.client.setBehaviour({ hrms: { capacity: 1, latency: { perItemMs: 20 } } });
    const fixture = await campaignFixture({
      digitUrl: digit.url,
      facilities: 6,
      users: USERS,
      inactiveUsers: 0,
      seed: 72,
      productVariants: VARIANTS,
    });
    const contents = await sheetContents(digit, fixture.sheets, 'MZ');

    await expectCreatedInDigit(stack.client(), digit, fixture.details, {
      contents,
      productVariants: VARIANTS,
      timeoutMs: 120_000,
    });
    expect((await digit.client.employees()).items).toHaveLength(USERS);
    const hrms = (await digit.client.calls()).hrms;
    expect(hrms.byRoute[HRMS_CREATE]).toBe(USERS / 10);
    expect(hrms.rejected).toBe(0);
  });
});
