import {
  fetchHierarchy,
  fetchProjectType,
  uploadCampaignSheets,
  type BoundaryHierarchy,
} from '@campaign-pipeline/dev-digit';
import {
  CampaignBoundaries,
  readFacilitySheet,
  readTargetSheet,
  readUserSheet,
  writeFacilitySheet,
  writeTargetWorkbook,
  writeUserSheet,
  type FacilityRow,
  type ProjectType,
  type TargetRow,
  type UserRow,
} from '@campaign-pipeline/shared';
import type { CampaignClient } from './campaign-client.ts';

/** A campaign's three sheets as rows, as the pipeline's own readers see them. */
export interface CampaignSheetRows {
  targets: TargetRow[];
  facilities: FacilityRow[];
  users: UserRow[];
}

/** What reading and writing a campaign's sheets needs to know of DIGIT. */
export interface SheetContext {
  digitUrl: string;
  hierarchy: BoundaryHierarchy;
  projectType: ProjectType;
}

export async function sheetContext(
  digitUrl: string,
  tenantId = 'mz',
  hierarchyType = 'ADMIN',
  projectTypeCode = 'LLIN-mz',
): Promise<SheetContext> {
  const [hierarchy, projectType] = await Promise.all([
    fetchHierarchy(digitUrl, tenantId, hierarchyType),
    fetchProjectType(digitUrl, tenantId, projectTypeCode),
  ]);
  return { digitUrl, hierarchy, projectType };
}

export function parentOf(hierarchy: BoundaryHierarchy, code: string): string | null {
  return hierarchy.byCode.get(code)?.parent ?? null;
}

export function leavesUnder(hierarchy: BoundaryHierarchy, code: string): string[] {
  const children = hierarchy.byCode.get(code)?.node.children ?? [];
  return children.length === 0 ? [code] : children.flatMap((child) => leavesUnder(hierarchy, child.code));
}

function pathOf(hierarchy: BoundaryHierarchy, code: string): string[] {
  const path: string[] = [];
  for (let at: string | null = code; at; at = parentOf(hierarchy, at)) path.unshift(at);
  return path;
}

/**
 * The consolidated sheets of a created campaign, downloaded as an operator would and read back with the
 * pipeline's readers; a sheet the readers refuse is an error.
 */
export async function consolidatedSheets(
  client: CampaignClient,
  context: SheetContext,
  campaignId: string,
): Promise<CampaignSheetRows> {
  const { hierarchy, projectType } = context;
  const reading = {
    boundaries: new CampaignBoundaries(hierarchy.byCode.keys(), leavesUnder(hierarchy, hierarchy.root.code)),
    boundaryTypes: [],
    targetColumns: projectType.targetColumns,
    partialTargets: true,
  };
  const sheets: CampaignSheetRows = { targets: [], facilities: [], users: [] };
  const [target, facility, user] = await Promise.all([
    client.consolidatedSheet(campaignId, 'boundaryWithTarget'),
    client.consolidatedSheet(campaignId, 'facility'),
    client.consolidatedSheet(campaignId, 'user'),
  ]);
  const summaries = await Promise.all([
    readTargetSheet(target, reading, { onRows: (rows) => void sheets.targets.push(...rows) }),
    readFacilitySheet(facility, reading, { onRows: (rows) => void sheets.facilities.push(...rows) }),
    readUserSheet(user, reading, { onRows: (rows) => void sheets.users.push(...rows) }),
  ]);
  const errors = summaries.flatMap((summary) => summary.errors);
  if (errors.length > 0)
    throw new Error(`consolidated sheets of ${campaignId} do not read back: ${JSON.stringify(errors[0])}`);
  return sheets;
}

/** A child campaign's create request from edited sheets: uploaded to the filestore, new boundaries listed. */
export async function childCampaignDetails(
  context: SheetContext,
  parentDetails: Record<string, unknown>,
  parentId: string,
  sheets: CampaignSheetRows,
  boundaries: { code: string; includeAllChildren: boolean }[],
): Promise<Record<string, unknown>> {
  const { hierarchy, projectType } = context;
  const bySheet = [...sheets.targets].sort((a, b) => a.sheet.localeCompare(b.sheet));
  const files = {
    target: await writeTargetWorkbook(
      bySheet.map((row) => ({ ...row, path: pathOf(hierarchy, row.boundaryCode) })),
      [...hierarchy.codesByType.keys()],
      projectType.targetColumns,
    ),
    facility: await writeFacilitySheet(sheets.facilities),
    user: await writeUserSheet(sheets.users),
    filenames: {
      target: 'update-targets.xlsx',
      facility: 'update-facilities.xlsx',
      user: 'update-users.xlsx',
    },
  };
  const resources = await uploadCampaignSheets(context.digitUrl, files);
  return { ...parentDetails, parentId, boundaries, resources };
}
