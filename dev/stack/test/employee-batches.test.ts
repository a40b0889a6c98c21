// HRMS creates each employee's user before it answers, so its answer takes longer the more a batch
// carries. user-sync sends a small first batch, times HRMS's answer, and sizes the next batches to be
// answered within half of the client's timeout.
import { describe, expect, it } from '@jest/globals';
import { expectEmployeesCreated } from './support/employee-campaign.ts';
import { campaignStack } from './support/stack.ts';

const USERS = 60;
const HRMS_CREATE = 'POST /health-hrms/employees/_create';
const HRMS_MS_PER_EMPLOYEE = 300;

// One chunk holds every user; a batch must be answered within 6 s, so user-sync aims at 3 s a batch.
const stack = campaignStack({
  CHUNK_SIZE: String(USERS),
  DIGIT_HRMS_BATCH_SIZE: '4',
  DIGIT_HRMS_BATCH_MAX: '1000',
  DIGIT_TIMEOUT_MS: '6000',
});

describe('employee batches sized by how fast HRMS answers', () => {
  it('keeps every HRMS create within the timeout when HRMS takes 300 ms an employee', async () => {
    const digit = stack.infrastructure().digit;
    await digit.client.setBehaviour({ hrms: { latency: { perItemMs: HRMS_MS_PER_EMPLOYEE } } });
    await expectEmployeesCreated(stack, USERS, 71);

    // The 56 users after the first 4 would take HRMS 16.8 s in one batch: they went in batches of about
    // 3 s, so no create ran out of time and none had to be searched for.
    const metrics = await (await fetch(`${stack.services().url('user-sync')}/metrics`)).text();
    const hrmsErrors = metrics
      .split('\n')
      .filter(
        (line) => line.startsWith('digit_request_errors_total{') && line.includes('digit_service="hrms"'),
      );
    expect(hrmsErrors).toEqual([]);
    const creates = (await digit.client.calls()).hrms.byRoute[HRMS_CREATE] ?? 0;
    // 4 first, then batches of at most 3 s / 300 ms = 10: at least 1 + ⌈56 / 10⌉ creates, and fewer than the
    // 15 that batches of the first size would need.
    expect(creates).toBeGreaterThanOrEqual(1 + Math.ceil(56 / 10));
    expect(creates).toBeLessThan(USERS / 4);
  });
});
