import { createHash } from 'node:crypto';
import type { CampaignRecord, DigitFacility, FacilityPayload } from '@campaign-pipeline/shared';

export interface FacilityEntity {
  nameKey: string;
  name: string;
  facilityType: string;
  facilityStatus: string;
  capacity: number;
  boundaryCodes: string[];
}

/**
 * The facility's client reference in DIGIT: the same for the same row of the same campaign, so that a
 * search by reference finds what an earlier attempt (or a write whose answer was lost) created. DIGIT's
 * facility search takes a list of them; it has no name criterion.
 */
export function facilityReference(campaignId: string, nameKey: string): string {
  const hex = createHash('sha256').update(`${campaignId}/facility/${nameKey}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function facilityPayload(campaign: CampaignRecord, row: FacilityEntity): FacilityPayload {
  return {
    tenantId: campaign.tenantId,
    clientReferenceId: facilityReference(campaign.id, row.nameKey),
    name: row.name,
    isPermanent: row.facilityStatus === 'Permanent',
    usage: row.facilityType,
    storageCapacity: row.capacity,
    address: { tenantId: campaign.tenantId, locality: { code: row.boundaryCodes[0] ?? '' } },
  };
}

/** The spec's facility retry identifier: name, status, type and capacity all match (and it is live). */
export function isSameFacility(row: FacilityEntity, facility: DigitFacility): boolean {
  return (
    !facility.isDeleted &&
    facility.name.trim().toLowerCase() === row.nameKey &&
    facility.isPermanent === (row.facilityStatus === 'Permanent') &&
    facility.usage === row.facilityType &&
    Number(facility.storageCapacity) === row.capacity
  );
}
