import {
  CampaignBoundaries,
  ApiError,
  DigitError,
  TooManyFacilitiesError,
  UnreadableWorkbookError,
  errorDetail,
  findProjectType,
  invalidRowOutcomes,
  orderedBoundaryTypes,
  readFacilitySheet,
  readTargetSheet,
  readUserSheet,
  searchBoundaryTree,
  searchHierarchyDefinition,
  searchTenantFacilities,
  writeFacilitySheet,
  writeProcessedSheet,
  writeTargetWorkbook,
  writeUserSheet,
  FACILITY_SHEET,
  USER_SHEET,
  type CampaignBoundary,
  type CampaignView,
  type DigitClients,
  type DigitErrorItem,
  type FacilitySheetRow,
  type ProjectType,
  type Queryable,
  type RequestInfo,
  type RowOutcome,
  type SheetError,
  type SheetValidationContext,
  type TargetSheetRow,
} from '@campaign-pipeline/shared';
import { selectBoundaries, type SelectedBoundary } from './boundaries.ts';
import { facilityTemplate, type FacilityTemplate, type HeldFacility } from './facility-template.ts';
import { problem } from './request-checks.ts';

// project-factory's data API over the intake's own sheet rules: templates of a campaign's three sheets,
// and uploaded sheets checked exactly as a create checks them, answered with the processed workbook.

export type SheetType = 'boundaryWithTarget' | 'facility' | 'user';

/**
 * The template types the console asks `data/_generate` and `data/_download` for: the older upload screen
 * names facility and user templates `facilityWithBoundary` and `userWithBoundary`, the newer one
 * `facility` and `user`.
 */
export const TEMPLATE_TYPES: Readonly<Record<string, SheetType>> = {
  boundary: 'boundaryWithTarget',
  facilityWithBoundary: 'facility',
  userWithBoundary: 'user',
  facility: 'facility',
  user: 'user',
};

/**
 * The sheet types `data/_create` and `v2/data/_process` check: the resource types, the template names,
 * and the newer screen's `<type>Validation`.
 */
export const VALIDATION_TYPES: Readonly<Record<string, SheetType>> = {
  ...TEMPLATE_TYPES,
  boundaryWithTarget: 'boundaryWithTarget',
  boundaryValidation: 'boundaryWithTarget',
  facilityValidation: 'facility',
  userValidation: 'user',
};

export interface CampaignSheets {
  boundaries: SelectedBoundary[];
  boundaryTypes: string[];
  projectType: ProjectType | null;
}

function unavailable(error: unknown): never {
  if (error instanceof DigitError) {
    const status = error.retryable ? 503 : 502;
    throw ApiError.of(status, 'DEPENDENCY_FAILED', `${error.service} could not answer: ${error.message}`);
  }
  throw error;
}

/** What a campaign's sheets are made and checked against: its boundaries, levels and project type. */
export async function campaignSheets(
  digit: DigitClients,
  requestInfo: RequestInfo,
  campaign: CampaignView,
): Promise<CampaignSheets> {
  const problems: DigitErrorItem[] = [];
  if (!campaign.hierarchyType)
    problems.push(problem('HIERARCHY_REQUIRED', 'the campaign has no hierarchyType yet', ['hierarchyType']));
  if (campaign.boundaries.length === 0)
    problems.push(problem('BOUNDARIES_REQUIRED', 'the campaign has no boundaries yet', ['boundaries']));
  if (problems.length > 0 || !campaign.hierarchyType) throw new ApiError(400, problems);
  const [hierarchy, tree, projectType] = await Promise.all([
    searchHierarchyDefinition(digit, requestInfo, campaign.tenantId, campaign.hierarchyType),
    searchBoundaryTree(digit, requestInfo, campaign.tenantId, campaign.hierarchyType),
    campaign.projectType
      ? findProjectType(digit, requestInfo, campaign.tenantId, campaign.projectType)
      : Promise.resolve(null),
  ]).catch(unavailable);
  const { selection, problems: found } = selectBoundaries(tree, campaign.boundaries as CampaignBoundary[]);
  if (!selection || !hierarchy?.length) {
    throw new ApiError(
      400,
      found.length > 0
        ? found.map((entry) => problem(entry.code, entry.message, ['boundaries']))
        : [problem('HIERARCHY_NOT_FOUND', `hierarchy type ${campaign.hierarchyType} does not exist`)],
    );
  }
  return { boundaries: selection.boundaries, boundaryTypes: orderedBoundaryTypes(hierarchy), projectType };
}

function requireProjectType(sheets: CampaignSheets): ProjectType {
  if (!sheets.projectType) {
    throw ApiError.of(400, 'PROJECT_TYPE_REQUIRED', 'the campaign needs its projectType for a target sheet', [
      'projectType',
    ]);
  }
  return sheets.projectType;
}

/** Facilities asked for per call to DIGIT's facility search while a template is made. */
const FACILITY_PAGE_SIZE = 500;

/**
 * The facility template's rows: the tenant's live DIGIT facilities, Inactive with no boundary; for a child
 * campaign, those its parent holds as the parent has them, so an unchanged upload changes nothing. A
 * tenant with more than `max` facilities is refused rather than held in memory.
 */
export async function existingFacilities(
  db: Queryable,
  digit: DigitClients,
  requestInfo: RequestInfo,
  campaign: Pick<CampaignView, 'tenantId' | 'parentId'>,
  max: number,
): Promise<FacilityTemplate> {
  const [facilities, held] = await Promise.all([
    searchTenantFacilities(digit, requestInfo, campaign.tenantId, { pageSize: FACILITY_PAGE_SIZE, max }),
    campaign.parentId ? heldFacilities(db, campaign.parentId) : new Map<string, HeldFacility>(),
  ]).catch((error: unknown) => {
    if (error instanceof TooManyFacilitiesError) {
      throw ApiError.of(
        400,
        'TOO_MANY_FACILITIES',
        `${error.message}; a facility template lists at most ${max} (TEMPLATE_MAX_FACILITIES)`,
      );
    }
    return unavailable(error);
  });
  return facilityTemplate(facilities, held);
}

/** The DIGIT facilities a campaign holds, by id, with their usage and boundaries. */
async function heldFacilities(db: Queryable, campaignId: string): Promise<Map<string, HeldFacility>> {
  const { rows } = await db.query<{ facilityId: string; active: boolean; boundaryCodes: string[] }>(
    `SELECT facility_id AS "facilityId", is_active AS active, boundary_codes AS "boundaryCodes"
     FROM campaign_facility WHERE campaign_id = $1 AND facility_id IS NOT NULL`,
    [campaignId],
  );
  return new Map(
    rows.map((row) => [row.facilityId, { active: row.active, boundaryCodes: row.boundaryCodes }]),
  );
}

/**
 * A template to fill in: the target sheet has a row per lowest-level boundary of the campaign (one sheet
 * per boundary two levels below the root, as DIGIT splits them); the facility sheet lists `facilities`
 * (the tenant's existing ones); the user sheet starts empty.
 */
export async function templateWorkbook(
  sheets: CampaignSheets,
  type: SheetType,
  facilities: readonly FacilitySheetRow[] = [],
): Promise<Buffer> {
  if (type === 'facility') return writeFacilitySheet(facilities);
  if (type === 'user') return writeUserSheet([]);
  const projectType = requireProjectType(sheets);
  const parentOf = new Map(sheets.boundaries.map((boundary) => [boundary.code, boundary.parentCode]));
  const pathOf = (code: string): string[] => {
    const path: string[] = [];
    for (let at: string | null | undefined = code; at; at = parentOf.get(at)) path.unshift(at);
    return path;
  };
  const rows: TargetSheetRow[] = sheets.boundaries
    .filter((boundary) => boundary.isLeaf)
    .map((boundary) => {
      const path = pathOf(boundary.code);
      return {
        sheet: path[Math.min(2, path.length - 1)] as string,
        boundaryCode: boundary.code,
        path,
        values: {},
      };
    })
    .sort((a, b) => a.sheet.localeCompare(b.sheet) || a.boundaryCode.localeCompare(b.boundaryCode));
  return writeTargetWorkbook(rows, sheets.boundaryTypes, projectType.targetColumns);
}

/** project-factory's `sheetErrors` entry: one problem, located as a person finds it in the workbook. */
export interface SheetErrorEntry {
  sheetName: string | null;
  rowNumber: number | null;
  column: string | null;
  code: string;
  message: string;
}

export interface SheetCheck {
  sheetErrors: SheetErrorEntry[];
  /** The upload with #status# and #errorDetails# on every data row; absent when it is no workbook. */
  processed: Buffer | null;
}

function sheetErrorEntry(error: SheetError): SheetErrorEntry {
  return {
    sheetName: error.sheet ?? null,
    rowNumber: error.row ?? null,
    column: error.column ?? null,
    code: error.code,
    message: errorDetail(error),
  };
}

/** Checks an uploaded sheet with the rules of a create (the same readers, the same campaign context). */
export async function checkWorkbook(
  sheets: CampaignSheets,
  type: SheetType,
  bytes: Buffer,
): Promise<SheetCheck> {
  const context: SheetValidationContext = {
    boundaries: CampaignBoundaries.of(sheets.boundaries),
    boundaryTypes: sheets.boundaryTypes,
    targetColumns: type === 'boundaryWithTarget' ? requireProjectType(sheets).targetColumns : [],
  };
  const valid: { sheet: string; rowNumber: number }[] = [];
  const keep = (sheet: string) => async (rows: readonly { rowNumber: number; sheet?: string }[]) => {
    for (const row of rows) valid.push({ sheet: row.sheet ?? sheet, rowNumber: row.rowNumber });
  };
  try {
    const summary =
      type === 'facility'
        ? await readFacilitySheet(bytes, context, { onRows: keep(FACILITY_SHEET) })
        : type === 'user'
          ? await readUserSheet(bytes, context, { onRows: keep(USER_SHEET) })
          : await readTargetSheet(bytes, context, { onRows: keep('') });
    const outcomes = invalidRowOutcomes(summary.errors);
    const validOutcome: RowOutcome = { status: 'valid', errors: [] };
    for (const row of valid) {
      const rows = outcomes.get(row.sheet) ?? new Map<number, RowOutcome>();
      outcomes.set(row.sheet, rows);
      if (!rows.has(row.rowNumber)) rows.set(row.rowNumber, validOutcome);
    }
    return {
      sheetErrors: summary.errors.map(sheetErrorEntry),
      processed: await writeProcessedSheet(bytes, outcomes),
    };
  } catch (error) {
    if (!(error instanceof UnreadableWorkbookError)) throw error;
    const entry = { sheetName: null, rowNumber: null, column: null, code: 'UNREADABLE_WORKBOOK' };
    return { sheetErrors: [{ ...entry, message: error.message }], processed: null };
  }
}
