import { describe, expect, it } from '@jest/globals';
import {
  facilityPayload,
  facilityReference,
  type CampaignRecord,
  type DigitFacility,
} from '@campaign-pipeline/shared';
import { isSameFacility } from '../src/domain/facility-match.ts';

const row = {
  nameKey: 'central warehouse',
  name: 'Central Warehouse',
  facilityType: 'Warehouse',
  facilityStatus: 'Permanent',
  capacity: 5000,
  boundaryCodes: ['MZ_P01', 'MZ_P02'],
};

const CAMPAIGN = '0b6c2f2e-7c59-4d1e-9a57-3f4e8f0d2a11';

describe('facility payload', () => {
  it('maps the sheet row to a DIGIT facility located at its first boundary', () => {
    expect(facilityPayload({ id: CAMPAIGN, tenantId: 'mz' } as CampaignRecord, row)).toEqual({
      tenantId: 'mz',
      clientReferenceId: facilityReference(CAMPAIGN, 'central warehouse'),
      name: 'Central Warehouse',
      isPermanent: true,
      usage: 'Warehouse',
      storageCapacity: 5000,
      address: { tenantId: 'mz', locality: { code: 'MZ_P01' } },
    });
  });

  it('references a row the same way in every attempt, and another row or campaign differently', () => {
    const reference = facilityReference(CAMPAIGN, 'central warehouse');
    expect(reference).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(facilityReference(CAMPAIGN, 'central warehouse')).toBe(reference);
    expect(facilityReference(CAMPAIGN, 'district store')).not.toBe(reference);
    expect(facilityReference('5d0e6a1c-2b7f-4c3a-8e9d-1f2a3b4c5d6e', 'central warehouse')).not.toBe(
      reference,
    );
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
