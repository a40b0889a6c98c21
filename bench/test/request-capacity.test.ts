import { describe, expect, it } from '@jest/globals';
import type { CallReport, ServiceCalls } from '@campaign-pipeline/dev-digit';
import { requestCapacity } from '../src/campaign.ts';

const MIB = 1_048_576;

function report(
  carried: Partial<Record<keyof CallReport, ServiceCalls['carried']>>,
  pushed: Partial<Record<keyof CallReport, ServiceCalls['pushed']>> = {},
): CallReport {
  const calls = (service: keyof CallReport) =>
    ({ carried: carried[service] ?? {}, pushed: pushed[service] ?? {} }) as ServiceCalls;
  return {
    boundary: calls('boundary'),
    mdms: calls('mdms'),
    filestore: calls('filestore'),
    project: calls('project'),
    facility: calls('facility'),
    hrms: calls('hrms'),
    product: calls('product'),
    idgen: calls('idgen'),
  };
}

describe('what one request can carry', () => {
  it('follows the size of an item as the run sent it', () => {
    const capacity = requestCapacity(
      report({
        project: {
          // 2,000 projects in 1,000,000 bytes: 500 bytes each.
          'POST /health-project/v1/_create': { calls: 2, items: 2000, bytes: 1_000_000 },
          'POST /health-project/resource/v1/bulk/_create': { calls: 1, items: 1000, bytes: 200_000 },
        },
        facility: { 'POST /facility/v1/bulk/_create': { calls: 4, items: 100, bytes: 40_000 } },
      }),
      MIB,
    );
    expect(capacity.project).toBe(Math.floor(MIB / 500));
    expect(capacity.mapping.resource).toBe(Math.floor(MIB / 200));
    expect(capacity.facility).toBe(Math.floor(MIB / 400));
  });

  it('counts an item at its size as the service saved it, where that is the larger', () => {
    const capacity = requestCapacity(
      report(
        {
          hrms: { 'POST /health-hrms/employees/_create': { calls: 2, items: 1000, bytes: 400_000 } },
          project: {
            'POST /health-project/staff/v1/bulk/_create': { calls: 1, items: 1000, bytes: 150_000 },
          },
        },
        {
          // 1,000 employees saved in 1,300,000 bytes: 1,300 bytes each, against 400 as sent.
          hrms: { 'POST /health-hrms/employees/_create': { messages: 2, items: 1000, bytes: 1_300_000 } },
          project: {
            'POST /health-project/staff/v1/bulk/_create': { messages: 1, items: 1000, bytes: 100_000 },
          },
        },
      ),
      MIB,
    );
    expect(capacity.employee).toBe(Math.floor(MIB / 1300));
    // Saved smaller than sent (never so in DIGIT): the request's own size still bounds it.
    expect(capacity.mapping.staff).toBe(Math.floor(MIB / 150));
  });

  it('falls back to the estimated size for a kind the run created none of', () => {
    const capacity = requestCapacity(report({}), MIB);
    expect(capacity.employee).toBe(Math.floor(MIB / 1300));
    expect(capacity.mapping.staff).toBe(Math.floor(MIB / 450));
  });
});
