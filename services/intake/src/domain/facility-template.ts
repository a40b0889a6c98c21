import {
  FACILITY_CAPACITY_RANGE,
  FACILITY_TYPES,
  type DigitFacility,
  type FacilitySheetRow,
} from '@campaign-pipeline/shared';

// The facility template as project-factory makes it: a row per facility the tenant already has in DIGIT,
// named by its DIGIT id in the code column, Inactive and without boundaries until the campaign manager
// takes it into the campaign (Active, with its boundary codes).

/** A facility the parent of a child campaign holds: the child's template shows it as the parent has it. */
export interface HeldFacility {
  active: boolean;
  boundaryCodes: string[];
}

/** A facility as DIGIT's search answers it, where name, usage and capacity may be missing. */
export type ListedFacility = Pick<DigitFacility, 'id' | 'isPermanent' | 'isDeleted'> & {
  name?: string | null;
  usage?: string | null;
  storageCapacity?: number | null;
};

export interface FacilityTemplate {
  rows: FacilitySheetRow[];
  /** DIGIT facilities no valid row can show, or whose name an earlier row already has. */
  leftOut: number;
}

/**
 * The template row of a DIGIT facility; undefined when no valid row can show it (no name, a usage that is
 * not one of the sheet's facility types, a capacity outside the sheet's range), since such a row would
 * make the template fail the very checks it is uploaded to.
 */
export function facilityTemplateRow(
  facility: ListedFacility,
  held?: HeldFacility,
): FacilitySheetRow | undefined {
  const name = facility.name?.trim() ?? '';
  const usage = facility.usage?.trim().toLowerCase();
  const type = FACILITY_TYPES.find((known) => known.toLowerCase() === usage);
  const capacity = facility.storageCapacity;
  const fits =
    typeof capacity === 'number' &&
    Number.isInteger(capacity) &&
    capacity >= FACILITY_CAPACITY_RANGE.min &&
    capacity <= FACILITY_CAPACITY_RANGE.max;
  if (name === '' || type === undefined || !fits) return undefined;
  return {
    facilityId: facility.id,
    name,
    type,
    status: facility.isPermanent ? 'Permanent' : 'Temporary',
    capacity,
    boundaryCodes: held?.boundaryCodes ?? [],
    usage: held?.active ? 'Active' : 'Inactive',
  };
}

/**
 * Template rows of the tenant's live facilities, ordered by name. The sheet needs facility names unique
 * (they key the campaign's facilities) while DIGIT does not, so of facilities sharing a name one row is
 * listed: the one `held` names, else the one of the lowest id.
 */
export function facilityTemplate(
  facilities: readonly ListedFacility[],
  held: ReadonlyMap<string, HeldFacility> = new Map(),
): FacilityTemplate {
  const byName = new Map<string, FacilitySheetRow>();
  let leftOut = 0;
  for (const facility of facilities) {
    const row = facility.isDeleted ? undefined : facilityTemplateRow(facility, held.get(facility.id));
    if (row === undefined) {
      leftOut++;
      continue;
    }
    const key = row.name.toLowerCase();
    const other = byName.get(key);
    if (other !== undefined) leftOut++;
    if (other === undefined || preferred(row, other, held)) byName.set(key, row);
  }
  const rows = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { rows, leftOut };
}

function preferred(
  row: FacilitySheetRow,
  other: FacilitySheetRow,
  held: ReadonlyMap<string, HeldFacility>,
): boolean {
  const isHeld = (candidate: FacilitySheetRow) => held.has(candidate.facilityId ?? '');
  if (isHeld(row) !== isHeld(other)) return isHeld(row);
  return (row.facilityId ?? '') < (other.facilityId ?? '');
}
