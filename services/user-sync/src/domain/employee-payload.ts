import { randomInt } from 'node:crypto';
import { userNameOf, type CampaignRecord, type EmployeePayload } from '@campaign-pipeline/shared';

export interface UserEntity {
  phone: string;
  name: string;
  roles: string[];
  employmentType: string;
  userName: string | null;
  boundaryCodes: string[];
}

const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SPECIAL = '@#$%';
const ALL = LOWER + UPPER + DIGITS + SPECIAL;

/**
 * A random password meeting DIGIT's policy (8–15 characters with lower and upper case, a digit and one
 * of @#$%). Generated per user from the system's CSPRNG; never logged or returned, and stored only
 * encrypted, when a credentials key is configured, for the campaign manager's credentials workbook.
 */
export function generatePassword(length = 12): string {
  const pick = (alphabet: string) => alphabet.charAt(randomInt(alphabet.length));
  const characters = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SPECIAL)];
  while (characters.length < length) characters.push(pick(ALL));
  for (let index = characters.length - 1; index > 0; index--) {
    const other = randomInt(index + 1);
    [characters[index], characters[other]] = [characters[other] as string, characters[index] as string];
  }
  return characters.join('');
}

export function employeePayload(
  campaign: CampaignRecord,
  row: UserEntity,
  boundaryTypes: ReadonlyMap<string, string>,
  password: string = generatePassword(),
): EmployeePayload {
  const userName = userNameOf(row);
  return {
    tenantId: campaign.tenantId,
    code: userName,
    employeeType: row.employmentType === 'Permanent' ? 'PERMANENT' : 'TEMPORARY',
    user: {
      name: row.name,
      mobileNumber: row.phone,
      userName,
      password,
      roles: row.roles.map((code) => ({ name: code, code, tenantId: campaign.tenantId })),
      tenantId: campaign.tenantId,
    },
    jurisdictions: row.boundaryCodes.map((boundary) => ({
      boundary,
      boundaryType: boundaryTypes.get(boundary) ?? '',
      hierarchy: campaign.hierarchyType,
      tenantId: campaign.tenantId,
    })),
    status: 'ACTIVE',
  };
}
