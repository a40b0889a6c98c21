import { describe, expect, it } from '@jest/globals';
import { projectPayload, type CampaignRecord } from '@campaign-pipeline/shared';

const campaign = {
  id: 'c-1',
  tenantId: 'mz',
  projectType: 'LLIN-mz',
  campaignName: 'LLIN 2026',
  campaignNumber: 'CMP-2026-11-22-000001',
  startDate: 1000,
  endDate: 2000,
} as CampaignRecord;

describe('project payload', () => {
  it('ties the project to the campaign by referenceID and to its parent project', () => {
    const payload = projectPayload(
      campaign,
      {
        boundaryCode: 'MZ_P01_D01',
        boundaryType: 'DISTRICT',
        parentBoundaryCode: 'MZ_P01',
        targets: [{ beneficiaryType: 'HOUSEHOLD', targetNo: 420 }],
      },
      'project-of-MZ_P01',
    );
    expect(payload).toMatchObject({
      tenantId: 'mz',
      projectType: 'LLIN-mz',
      referenceID: 'CMP-2026-11-22-000001',
      address: { tenantId: 'mz', boundary: 'MZ_P01_D01', boundaryType: 'DISTRICT' },
      parent: 'project-of-MZ_P01',
      targets: [{ beneficiaryType: 'HOUSEHOLD', targetNo: 420 }],
      startDate: 1000,
      endDate: 2000,
    });
  });
});
