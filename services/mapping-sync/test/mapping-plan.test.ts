import { describe, expect, it } from '@jest/globals';
import { mappingPayload, type CampaignRecord } from '@campaign-pipeline/shared';
import { existingPairs, pairKey } from '../src/domain/mapping-plan.ts';

const campaign = { tenantId: 'mz', startDate: 1000, endDate: 2000 } as CampaignRecord;

describe('mapping plan', () => {
  it('builds the payload of each kind of mapping', () => {
    expect(mappingPayload('facility', campaign, 'P-1', 'F-1')).toEqual({
      tenantId: 'mz',
      projectId: 'P-1',
      facilityId: 'F-1',
    });
    expect(mappingPayload('staff', campaign, 'P-1', 'U-1')).toEqual({
      tenantId: 'mz',
      projectId: 'P-1',
      userId: 'U-1',
      startDate: 1000,
      endDate: 2000,
    });
    expect(mappingPayload('resource', campaign, 'P-1', 'PVAR-1')).toEqual({
      tenantId: 'mz',
      projectId: 'P-1',
      resource: { productVariantId: 'PVAR-1', type: 'DRUG', isBaseUnitVariant: false },
      startDate: 1000,
      endDate: 2000,
    });
  });

  it('knows live mappings by project and mapped id, ignoring deleted ones', () => {
    const pairs = existingPairs('staff', [
      { id: 'M-1', projectId: 'P-1', userId: 'U-1' },
      { id: 'M-2', projectId: 'P-1', userId: 'U-2', isDeleted: true },
      { id: 'M-3', projectId: 'P-2', facilityId: 'F-1' },
    ]);
    expect([...pairs]).toEqual([[pairKey('P-1', 'U-1'), 'M-1']]);
  });
});
