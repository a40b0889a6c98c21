// HRMS answers a create with every employee in full, so user-sync bounds the employees whose creates are
// in flight at once (DIGIT_HRMS_IN_FLIGHT_MAX), whatever the chunks handled together and the calls DIGIT
// allows.
import { describe, expect, it } from '@jest/globals';
import { expectEmployeesCreated } from './support/employee-campaign.ts';
import { campaignStack } from './support/stack.ts';

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
    await expectEmployeesCreated(stack, USERS, 72);
    const hrms = (await digit.client.calls()).hrms;
    expect(hrms.byRoute[HRMS_CREATE]).toBe(USERS / 10);
    expect(hrms.rejected).toBe(0);
  });
});
