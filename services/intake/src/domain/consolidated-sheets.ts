import {
  ApiError,
  findProjectType,
  searchBoundaryTree,
  type CampaignBoundary,
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
import { selectBoundaries } from './boundaries.ts';

// A campaign's current state as sheets in the create format: what an operator edits for the next update,
// which is then diffed against this campaign like a first update ("multiple updates").

export const CONSOLIDATED_SHEET_TYPES = ['boundaryWithTarget', 'facility', 'user'] as const;
export type ConsolidatedSheetType = (typeof CONSOLIDATED_SHEET_TYPES)[number];

interface PlacedBoundary {
  code: string;
  parentCode: string | null;
  boundaryType: string;
  isLeaf: boolean;
}

/** The campaign's boundaries and, for a child's template, the new ones merged in. */
async function templateBoundaries(
  db: Queryable,
  digit: DigitClients,
  requestInfo: RequestInfo,
  campaign: CampaignRecord,
  added: readonly CampaignBoundary[],
): Promise<PlacedBoundary[]> {
  if (added.length === 0) {
    const { rows } = await db.query<PlacedBoundary>(
      `SELECT code, parent_code AS "parentCode", boundary_type AS "boundaryType", is_leaf AS "isLeaf"
       FROM campaign_boundary WHERE campaign_id = $1 ORDER BY level, code`,
      [campaign.id],
    );
    return rows;
  }
  const tree = await searchBoundaryTree(digit, requestInfo, campaign.tenantId, campaign.hierarchyType);
  const requested = [...campaign.boundaries, ...added.map((boundary) => ({ ...boundary, isRoot: false }))];
  const { selection, problems } = selectBoundaries(tree, requested);
  if (!selection) {
    throw new ApiError(
      400,
      problems.map((found) => ({
        code: found.code,
        message: found.message,
        description: null,
        params: ['boundaries'],
      })),
    );
  }
  return selection.boundaries;
}

/**
 * Targets of the lowest-level boundaries whose project is active, as the sheet gave them; for a child's
 * template, the new lowest-level boundaries follow with empty targets to fill in.
 */
async function targetWorkbook(
  db: Queryable,
  digit: DigitClients,
  requestInfo: RequestInfo,
  campaign: CampaignRecord,
  added: readonly CampaignBoundary[],
): Promise<Buffer> {
  const projectType = await findProjectType(digit, requestInfo, campaign.tenantId, campaign.projectType);
  const boundaries = await templateBoundaries(db, digit, requestInfo, campaign, added);
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
  if (added.length > 0) {
    const held = new Set(
      (
        await db.query<{ code: string }>(
          'SELECT boundary_code AS code FROM campaign_project WHERE campaign_id = $1',
          [campaign.id],
        )
      ).rows.map((row) => row.code),
    );
    // New rows go to one sheet per boundary two levels below the root, as target workbooks are split.
    for (const boundary of boundaries) {
      if (!boundary.isLeaf || held.has(boundary.code)) continue;
      const path = pathOf(boundary.code);
      targetRows.push({
        sheet: path[Math.min(2, path.length - 1)] as string,
        boundaryCode: boundary.code,
        path,
        values: {},
      });
    }
    targetRows.sort((a, b) => a.sheet.localeCompare(b.sheet));
  }
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

/**
 * One of the campaign's consolidated sheets. With `added` boundaries it is the template of a child
 * campaign: the parent's state over the merged boundaries.
 */
export function consolidatedSheet(
  db: Queryable,
  digit: DigitClients,
  requestInfo: RequestInfo,
  campaign: CampaignRecord,
  type: ConsolidatedSheetType,
  added: readonly CampaignBoundary[] = [],
): Promise<Buffer> {
  if (type === 'facility') return facilityWorkbook(db, campaign);
  if (type === 'user') return userWorkbook(db, campaign);
  return targetWorkbook(db, digit, requestInfo, campaign, added);
}
