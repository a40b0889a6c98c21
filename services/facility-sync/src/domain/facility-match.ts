import type { DigitFacility, FacilityEntity } from '@campaign-pipeline/shared';

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
