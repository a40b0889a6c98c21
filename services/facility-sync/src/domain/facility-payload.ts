import type { CampaignRecord, DigitFacility, FacilityPayload } from '@campaign-pipeline/shared';

export interface FacilityEntity {
  nameKey: string;
  name: string;
  facilityType: string;
  facilityStatus: string;
  capacity: number;
  boundaryCodes: string[];
}

export function facilityPayload(campaign: CampaignRecord, row: FacilityEntity): FacilityPayload {
  return {
    tenantId: campaign.tenantId,
    name: row.name,
    isPermanent: row.facilityStatus === 'Permanent',
    usage: row.facilityType,
    storageCapacity: row.capacity,
    address: { tenantId: campaign.tenantId, locality: { code: row.boundaryCodes[0] ?? '' } },
  };
}

/** The spec's facility retry identifier: name, status, type and capacity all match. */
export function isSameFacility(row: FacilityEntity, facility: DigitFacility): boolean {
  return (
    !facility.isDeleted &&
    facility.name.trim().toLowerCase() === row.nameKey &&
    facility.isPermanent === (row.facilityStatus === 'Permanent') &&
    facility.usage === row.facilityType &&
    Number(facility.storageCapacity) === row.capacity
  );
}
