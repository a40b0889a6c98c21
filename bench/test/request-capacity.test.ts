import { describe, expect, it } from '@jest/globals';
import type { CallReport, ServiceCalls } from '@campaign-pipeline/dev-digit';
import { requestCapacity } from '../src/campaign.ts';

const MIB = 1_048_576;

function report(carried: Partial<Record<keyof CallReport, ServiceCalls['carried']>>): CallReport {
  const calls = (service: keyof CallReport) => ({ carried: carried[service] ?? {} }) as ServiceCalls;
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

  it('falls back to the estimated size for a kind the run created none of', () => {
    const capacity = requestCapacity(report({}), MIB);
    expect(capacity.employee).toBe(Math.floor(MIB / 900));
    expect(capacity.mapping.staff).toBe(Math.floor(MIB / 250));
  });
});
