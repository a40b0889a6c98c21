import {
  SIZING_PASSWORD,
  employeePayload,
  facilityPayload,
  itemBytes,
  savedEmployee,
  savedFacility,
  userNameOf,
  type CampaignRecord,
  type FacilityEntity,
  type UserEntity,
} from '@campaign-pipeline/shared';

// What a facility or a user takes of a request: itemBytes of its form as DIGIT saves it, as the workers
// measure it. Intake measures every row of a campaign; writing each one's saved form out to measure it
// churned enough memory to raise intake's peak at 100,000 boundaries by 15 MB. The saved form's fixed parts
// are measured once, on the real form; a row adds its own texts, each as often as the form holds it. The
// tests hold these sizes to the real forms'.

/** Bytes a text adds to a JSON form over the empty text. */
function textBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text)) - 2;
}

/** Bytes each item of a list adds beyond the first: the separating comma. */
function separators(items: readonly unknown[]): number {
  return Math.max(0, items.length - 1);
}

export function facilityBytesOf(campaign: CampaignRecord): (row: FacilityEntity) => number {
  const measured = (row: FacilityEntity) => itemBytes(savedFacility(facilityPayload(campaign, row)));
  // A permanent facility's status is `true`; any other's `false`, a byte longer. The client reference is
  // a hash of fixed length.
  const bare = measured({
    nameKey: '',
    name: '',
    facilityType: '',
    facilityStatus: 'Permanent',
    capacity: 0,
    boundaryCodes: [],
  });
  return (row) =>
    bare +
    textBytes(row.name) +
    textBytes(row.facilityType) +
    (row.facilityStatus === 'Permanent' ? 0 : 1) +
    String(row.capacity).length -
    1 +
    textBytes(row.boundaryCodes[0] ?? '');
}

export function userBytesOf(
  campaign: CampaignRecord,
  boundaryTypes: ReadonlyMap<string, string>,
): (row: UserEntity) => number {
  const measured = (row: UserEntity) =>
    itemBytes(savedEmployee(employeePayload(campaign, row, boundaryTypes, SIZING_PASSWORD)));
  // Both employment types are written in nine letters.
  const empty: UserEntity = {
    phone: '',
    name: '',
    roles: [],
    employmentType: 'Permanent',
    userName: '',
    boundaryCodes: [],
  };
  const bare = measured(empty);
  const role = measured({ ...empty, roles: [''] }) - bare;
  const jurisdiction = measured({ ...empty, boundaryCodes: [''] }) - bare;
  return (row) => {
    // The user name is the employee's code as well, and a role's code its name as well.
    let bytes = bare + textBytes(row.name) + textBytes(row.phone) + 2 * textBytes(userNameOf(row));
    for (const code of row.roles) bytes += role + 2 * textBytes(code);
    for (const code of row.boundaryCodes) {
      bytes += jurisdiction + textBytes(code) + textBytes(boundaryTypes.get(code) ?? '');
    }
    return bytes + separators(row.roles) + separators(row.boundaryCodes);
  };
}
