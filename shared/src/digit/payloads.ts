import { createHash } from 'node:crypto';
import type { CampaignRecord } from '../campaign/campaign.ts';
import { userNameOf } from '../campaign/credentials.ts';
import type {
  EmployeePayload,
  FacilityPayload,
  MappingKind,
  ProjectPayload,
  ProjectTargetPayload,
} from './entities.ts';

// The items of DIGIT's creates, built from a campaign's rows: the workers send them, and intake sizes a
// campaign's chunks by what one request of them carries.

export interface ProjectRow {
  boundaryCode: string;
  boundaryType: string;
  parentBoundaryCode: string | null;
  targets: ProjectTargetPayload[];
}

/** The DIGIT project of one campaign boundary; referenceID ties it to the campaign for adoption. */
export function projectPayload(
  campaign: CampaignRecord,
  row: ProjectRow,
  parentProjectId: string | null,
): ProjectPayload {
  return {
    tenantId: campaign.tenantId,
    projectType: campaign.projectType,
    projectSubType: campaign.projectType,
    startDate: campaign.startDate,
    endDate: campaign.endDate,
    name: campaign.campaignName,
    description: `${campaign.campaignName} at ${row.boundaryCode}`,
    referenceID: campaign.campaignNumber,
    address: { tenantId: campaign.tenantId, boundary: row.boundaryCode, boundaryType: row.boundaryType },
    parent: parentProjectId,
    targets: row.targets,
    additionalDetails: { campaignId: campaign.id },
  };
}

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

export interface UserEntity {
  phone: string;
  name: string;
  roles: string[];
  employmentType: string;
  userName: string | null;
  boundaryCodes: string[];
}

/** Characters of the password each new employee is given (DIGIT's policy allows 8–15). */
export const EMPLOYEE_PASSWORD_LENGTH = 12;

/** A password as long as an employee's, for sizing requests before the real ones are generated. */
export const SIZING_PASSWORD = 'x'.repeat(EMPLOYEE_PASSWORD_LENGTH);

export function employeePayload(
  campaign: CampaignRecord,
  row: UserEntity,
  boundaryTypes: ReadonlyMap<string, string>,
  password: string,
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

/** The DIGIT payload of one mapping of a project to a facility, a user (staff) or a product variant. */
export function mappingPayload(
  kind: MappingKind,
  campaign: CampaignRecord,
  projectId: string,
  mapped: string,
): Record<string, unknown> {
  const base = { tenantId: campaign.tenantId, projectId };
  if (kind === 'facility') return { ...base, facilityId: mapped };
  if (kind === 'staff')
    return { ...base, userId: mapped, startDate: campaign.startDate, endDate: campaign.endDate };
  return {
    ...base,
    resource: { productVariantId: mapped, type: 'DRUG', isBaseUnitVariant: false },
    startDate: campaign.startDate,
    endDate: campaign.endDate,
  };
}
