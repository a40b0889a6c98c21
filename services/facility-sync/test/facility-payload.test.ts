import { describe, expect, it } from '@jest/globals';
import type { CampaignRecord, DigitFacility } from '@campaign-pipeline/shared';
import { facilityPayload, isSameFacility } from '../src/domain/facility-payload.ts';

const row = {
  nameKey: 'central warehouse',
  name: 'Central Warehouse',
  facilityType: 'Warehouse',
  facilityStatus: 'Permanent',
  capacity: 5000,
  boundaryCodes: ['MZ_P01', 'MZ_P02'],
};

describe('facility payload', () => {
  it('maps the sheet row to a DIGIT facility located at its first boundary', () => {
    expect(facilityPayload({ tenantId: 'mz' } as CampaignRecord, row)).toEqual({
      tenantId: 'mz',
      name: 'Central Warehouse',
      isPermanent: true,
      usage: 'Warehouse',
      storageCapacity: 5000,
      address: { tenantId: 'mz', locality: { code: 'MZ_P01' } },
    });
  });

  it('adopts only a facility matching name, status, type and capacity', () => {
    const found: DigitFacility = {
      id: 'F-1',
      ...facilityPayload({ tenantId: 'mz' } as CampaignRecord, row),
      name: ' central warehouse ',
    };
    expect(isSameFacility(row, found)).toBe(true);
    expect(isSameFacility(row, { ...found, isPermanent: false })).toBe(false);
    expect(isSameFacility(row, { ...found, usage: 'Health Facility' })).toBe(false);
    expect(isSameFacility(row, { ...found, storageCapacity: 4999 })).toBe(false);
    expect(isSameFacility(row, { ...found, isDeleted: true })).toBe(false);
  });
});
