import {
  findProjectType,
  writeFacilitySheet,
  writeTargetWorkbook,
  writeUserSheet,
  type CampaignRecord,
  type DigitClients,
  type EmploymentType,
  type FacilitySheetRow,
  type FacilityStatus,
  type FacilityType,
  type Queryable,
  type RequestInfo,
  type TargetSheetRow,
  type UserRole,
  type UserSheetRow,
} from '@campaign-pipeline/shared';

// A campaign's current state as sheets in the create format: what an operator edits for the next update,
// which is then diffed against this campaign like a first update ("multiple updates").

export const CONSOLIDATED_SHEET_TYPES = ['boundaryWithTarget', 'facility', 'user'] as const;
export type ConsolidatedSheetType = (typeof CONSOLIDATED_SHEET_TYPES)[number];

/** Targets of the lowest-level boundaries whose project is active, as the sheet gave them. */
async function targetWorkbook(
  db: Queryable,
  digit: DigitClients,
  requestInfo: RequestInfo,
  campaign: CampaignRecord,
): Promise<Buffer> {
  const projectType = await findProjectType(digit, requestInfo, campaign.tenantId, campaign.projectType);
  const { rows: boundaries } = await db.query<{
    code: string;
    parentCode: string | null;
    boundaryType: string;
  }>(
    `SELECT code, parent_code AS "parentCode", boundary_type AS "boundaryType" FROM campaign_boundary
     WHERE campaign_id = $1 ORDER BY level, code`,
    [campaign.id],
  );
  const boundaryTypes = [...new Set(boundaries.map((boundary) => boundary.boundaryType))];
  const parentOf = new Map(boundaries.map((boundary) => [boundary.code, boundary.parentCode]));
  const pathOf = (code: string): string[] => {
    const path: string[] = [];
    for (let at: string | null | undefined = code; at; at = parentOf.get(at)) path.unshift(at);
    return path;
  };
  const { rows } = await db.query<{ sheet: string; boundaryCode: string; values: Record<string, number> }>(
    `SELECT t.sheet, t.boundary_code AS "boundaryCode", t.target_values AS values
     FROM campaign_target_row t
     JOIN campaign_project p ON p.campaign_id = t.campaign_id AND p.boundary_code = t.boundary_code AND p.is_active
     WHERE t.campaign_id = $1 ORDER BY t.sheet, t.row_number`,
    [campaign.id],
  );
  const targetRows: TargetSheetRow[] = rows.map((row) => ({ ...row, path: pathOf(row.boundaryCode) }));
  return writeTargetWorkbook(targetRows, boundaryTypes, projectType?.targetColumns ?? []);
}

async function facilityWorkbook(db: Queryable, campaign: CampaignRecord): Promise<Buffer> {
  const { rows } = await db.query<{
    facilityId: string | null;
    name: string;
    type: FacilityType;
    status: FacilityStatus;
    capacity: string;
    boundaryCodes: string[];
    isActive: boolean;
  }>(
    `SELECT facility_id AS "facilityId", name, facility_type AS type, facility_status AS status, capacity,
            boundary_codes AS "boundaryCodes", is_active AS "isActive"
     FROM campaign_facility WHERE campaign_id = $1 ORDER BY name_key`,
    [campaign.id],
  );
  return writeFacilitySheet(
    rows.map((row): FacilitySheetRow => ({
      ...(row.facilityId ? { facilityId: row.facilityId } : {}),
      name: row.name,
      type: row.type,
      status: row.status,
      capacity: Number(row.capacity),
      boundaryCodes: row.boundaryCodes,
      usage: row.isActive ? 'Active' : 'Inactive',
    })),
  );
}

async function userWorkbook(db: Queryable, campaign: CampaignRecord): Promise<Buffer> {
  const { rows } = await db.query<{
    name: string;
    phone: string;
    roles: UserRole[];
    employmentType: EmploymentType;
    boundaryCodes: string[];
    userName: string | null;
    userServiceUuid: string | null;
    isActive: boolean;
  }>(
    `SELECT name, phone, roles, employment_type AS "employmentType", boundary_codes AS "boundaryCodes",
            user_name AS "userName", user_service_uuid AS "userServiceUuid", is_active AS "isActive"
     FROM campaign_user WHERE campaign_id = $1 ORDER BY phone`,
    [campaign.id],
  );
  return writeUserSheet(
    rows.map((row): UserSheetRow => ({
      name: row.name,
      phone: row.phone,
      roles: row.roles,
      employmentType: row.employmentType,
      usage: row.isActive ? 'Active' : 'Inactive',
      boundaryCodes: row.boundaryCodes,
      ...(row.userName ? { userName: row.userName } : {}),
      ...(row.userServiceUuid ? { userServiceUuid: row.userServiceUuid } : {}),
    })),
  );
}

export function consolidatedSheet(
  db: Queryable,
  digit: DigitClients,
  requestInfo: RequestInfo,
  campaign: CampaignRecord,
  type: ConsolidatedSheetType,
): Promise<Buffer> {
  if (type === 'facility') return facilityWorkbook(db, campaign);
  if (type === 'user') return userWorkbook(db, campaign);
  return targetWorkbook(db, digit, requestInfo, campaign);
}
