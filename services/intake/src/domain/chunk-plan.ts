import {
  BULK_BATCH_MAX_BYTES,
  SEARCH_PAGE,
  RequestCutter,
  chunkRows,
  mappingPayload,
  projectPayload,
  requestRows,
  savedMapping,
  savedProject,
  type CampaignRecord,
  type ChunkLimits,
  type DatabaseClient,
  type MappingKind,
  type StepLoad,
  type TargetColumnDefinition,
  type FacilityEntity,
  type UserEntity,
} from '@campaign-pipeline/shared';
import type { SelectedBoundary } from './boundaries.ts';
import { facilityBytesOf, userBytesOf } from './saved-bytes.ts';

/** Rows per chunk of each step of one campaign. */
export type ChunkRows = ReadonlyMap<StepLoad['step'], number>;

/** The rows per chunk planned for a step; planChunks plans every step. */
export function rowsOf(chunkRows: ChunkRows, step: StepLoad['step']): number {
  const rows = chunkRows.get(step);
  if (rows === undefined) throw new Error(`no chunk size planned for ${step}`);
  return rows;
}

/** An id DIGIT has not given yet, as long as its ids get (UUIDs; idgen's ids are shorter). */
const PENDING_ID = '0'.repeat(36);

/** A target no sheet's sums reach: the longest a project's target is written. */
const LARGEST_TARGET = Number.MAX_SAFE_INTEGER;

/** Sheet rows read at a time while measuring a campaign's facilities and users. */
const SIZING_PAGE_ROWS = 1000;

const MAPPING_STEP = {
  facility: 'facility-mapping',
  staff: 'user-mapping',
  resource: 'product-mapping',
} as const satisfies Record<MappingKind, StepLoad['step']>;

/** How the chunks of a step whose items differ in size are cut, in order. */
export interface ChunkCut {
  maxRows: number;
  /** Bytes of its items (as the workers measure them) a chunk holds at most. */
  maxBytes: number;
}

/** How a campaign's rows are cut into chunks. */
export interface ChunkPlan {
  /** Rows per chunk of each step (facility and user creation: as their cuts say). */
  rows: ChunkRows;
  /** Facilities and users differ in size: their chunks are cut by their bytes too. */
  cuts: { facility: ChunkCut; user: ChunkCut };
  /** The sheet row each chunk of a new campaign's facility and user creation begins at, in order. */
  starts: { facility: number[]; user: number[] };
  /** A facility's and a user's bytes as the cuts count them (a child campaign cuts its own rows by them). */
  bytesOf: { facility: (row: FacilityEntity) => number; user: (row: UserEntity) => number };
  /**
   * Chunks one round of the project service's calls runs (one per concurrent call): an inner level of the
   * tree is spread over a round, and the mappings (made at the project service too) end in a round of
   * half chunks (finerMappings).
   */
  projectRound: number;
  /**
   * Which mappings go in half chunks, as the last work of a round: in the parallel flow those waiting for
   * the last round of project chunks, the campaign's last work; in the linear flow, whose mapping steps
   * start once every project exists, each step's own last round.
   */
  finerMappings: 'after-last-project-round' | 'own-last-round';
}

interface FacilitySheetRow {
  rowNumber: number;
  create: boolean;
  name: string;
  facilityType: string;
  facilityStatus: string;
  capacity: string;
  boundaryCodes: string[];
}

interface UserSheetRow extends UserEntity {
  rowNumber: number;
  create: boolean;
}

/** A sheet's active rows as requests see them: the boundaries they name, and their bytes. */
interface SheetSizes {
  pairs: number;
  /** The rows to create, in sheet order: their row numbers and bytes. */
  createRowNumbers: number[];
  createBytes: number[];
}

/**
 * Reads a sheet's active rows a page at a time (a campaign's rows are not held at once) and measures each
 * row to create by `bytesOf`.
 */
async function sizeSheet<Row extends { rowNumber: number; create: boolean; boundaryCodes: string[] }>(
  tx: DatabaseClient,
  select: string,
  campaignId: string,
  bytesOf: (row: Row) => number,
): Promise<SheetSizes> {
  const sizes: SheetSizes = { pairs: 0, createRowNumbers: [], createBytes: [] };
  for (let after = -1; ;) {
    const { rows } = await tx.query<Row>(
      `${select} WHERE campaign_id = $1 AND usage = 'Active' AND row_number > $2 ORDER BY row_number LIMIT $3`,
      [campaignId, after, SIZING_PAGE_ROWS],
    );
    for (const row of rows) {
      sizes.pairs += row.boundaryCodes.length;
      if (!row.create) continue;
      sizes.createRowNumbers.push(row.rowNumber);
      sizes.createBytes.push(bytesOf(row));
    }
    if (rows.length < SIZING_PAGE_ROWS) return sizes;
    after = (rows[rows.length - 1] as Row).rowNumber;
  }
}

/** Rows of a packed step one request carries on average; 1 when there is nothing to create. */
function averageRequestRows(sizes: SheetSizes): number {
  const total = sizes.createBytes.reduce((sum, bytes) => sum + bytes, 0);
  return total === 0 ? 1 : Math.max(1, Math.floor(BULK_BATCH_MAX_BYTES / (total / sizes.createBytes.length)));
}

/**
 * How the chunks of `rows` rows planned for a step whose items differ in size are cut: a chunk of one
 * request ends where the request's bytes do, however small its items; a chunk of less, at its rows too; a
 * chunk of several requests (whole search pages) only at its rows.
 */
function chunkCut(rows: number, requestRows: number, limits: ChunkLimits): ChunkCut {
  if (rows > requestRows) return { maxRows: rows, maxBytes: Number.POSITIVE_INFINITY };
  return { maxRows: rows === requestRows ? limits.maxRows : rows, maxBytes: BULK_BATCH_MAX_BYTES };
}

/** The sheet rows at which the chunks of the rows to create begin. */
function chunkStarts(sizes: SheetSizes, cut: ChunkCut): number[] {
  const cutter = new RequestCutter(cut.maxRows, cut.maxBytes);
  const starts: number[] = [];
  sizes.createBytes.forEach((bytes, index) => {
    if (cutter.begins(bytes)) starts.push(sizes.createRowNumbers[index] as number);
  });
  return starts;
}

/**
 * How each step's rows are cut into chunks (chunkRows): from the campaign's stored sheet rows, the size of
 * its items as DIGIT will save them, built by the same payload and saved-form functions as the workers
 * size their requests by, and the rows each step will have (mappings estimated from the boundaries the
 * facilities and users name). Facilities and users differ in size: their chunks are cut by their bytes
 * as the workers' requests are, so that each is one full request.
 */
export async function planChunks(
  tx: DatabaseClient,
  campaign: CampaignRecord,
  boundaries: readonly SelectedBoundary[],
  targetColumns: readonly TargetColumnDefinition[],
  productVariants: readonly string[],
  limits: ChunkLimits,
): Promise<ChunkPlan> {
  const fitting = (largestBytes: number) => requestRows(largestBytes, BULK_BATCH_MAX_BYTES);
  const bytes = (item: unknown) => Buffer.byteLength(JSON.stringify(item));
  const boundaryTypes = new Map(boundaries.map((boundary) => [boundary.code, boundary.boundaryType]));
  const facilityBytes = facilityBytesOf(campaign);
  const userBytes = userBytesOf(campaign, boundaryTypes);

  // As the workers read them from the entity tables, which intake fills from these rows.
  const facilities = await sizeSheet<FacilitySheetRow>(
    tx,
    `SELECT row_number AS "rowNumber", facility_id IS NULL AS create, trim(name) AS name,
            facility_type AS "facilityType", facility_status AS "facilityStatus", capacity,
            boundary_codes AS "boundaryCodes"
     FROM campaign_facility_row`,
    campaign.id,
    (row) => facilityBytes({ ...row, nameKey: row.name.toLowerCase(), capacity: Number(row.capacity) }),
  );
  const users = await sizeSheet<UserSheetRow>(
    tx,
    `SELECT row_number AS "rowNumber", user_service_uuid IS NULL AS create, name, phone, roles,
            employment_type AS "employmentType", user_name AS "userName", boundary_codes AS "boundaryCodes"
     FROM campaign_user_row`,
    campaign.id,
    userBytes,
  );

  const longestBoundary = boundaries.reduce<SelectedBoundary | undefined>(
    (longest, boundary) =>
      !longest ||
      boundary.code.length + boundary.boundaryType.length > longest.code.length + longest.boundaryType.length
        ? boundary
        : longest,
    undefined,
  );
  const project = longestBoundary
    ? projectPayload(
        campaign,
        {
          boundaryCode: longestBoundary.code,
          boundaryType: longestBoundary.boundaryType,
          parentBoundaryCode: null,
          targets: targetColumns.map((column) => ({
            beneficiaryType: column.beneficiaryType,
            targetNo: LARGEST_TARGET,
          })),
        },
        PENDING_ID,
      )
    : undefined;
  const longestVariant = productVariants.reduce(
    (longest, id) => (id.length > longest.length ? id : longest),
    '',
  );
  const mappingBytes = (kind: MappingKind) =>
    bytes(
      savedMapping(
        mappingPayload(kind, campaign, PENDING_ID, kind === 'resource' ? longestVariant : PENDING_ID),
      ),
    );
  // The deepest project's hierarchy names the most ancestors. (A reduce: a campaign's boundaries are too
  // many to spread into Math.max's arguments.)
  const depth = boundaries.reduce((deepest, boundary) => Math.max(deepest, boundary.level), 0) + 1;

  const facilityRequestRows = averageRequestRows(facilities);
  const userRequestRows = averageRequestRows(users);
  const loads: StepLoad[] = [
    {
      step: 'project-creation',
      rows: boundaries.length,
      requestRows: fitting(project ? bytes(savedProject(project, depth)) : 0),
    },
    {
      step: 'facility-creation',
      rows: facilities.createBytes.length,
      requestRows: facilityRequestRows,
      searchPage: SEARCH_PAGE,
    },
    {
      step: 'user-creation',
      rows: users.createBytes.length,
      requestRows: userRequestRows,
    },
    ...(Object.keys(MAPPING_STEP) as MappingKind[]).map((kind) => ({
      step: MAPPING_STEP[kind],
      rows:
        kind === 'facility'
          ? facilities.pairs
          : kind === 'staff'
            ? users.pairs
            : boundaries.length * productVariants.length,
      requestRows: fitting(mappingBytes(kind)),
      searchPage: SEARCH_PAGE,
    })),
  ];
  const rows = chunkRows(loads, limits, campaign.flow === 'linear' ? 'linear' : 'parallel');
  const cuts = {
    facility: chunkCut(rowsOf(rows, 'facility-creation'), facilityRequestRows, limits),
    user: chunkCut(rowsOf(rows, 'user-creation'), userRequestRows, limits),
  };
  return {
    rows,
    cuts,
    starts: { facility: chunkStarts(facilities, cuts.facility), user: chunkStarts(users, cuts.user) },
    bytesOf: { facility: facilityBytes, user: userBytes },
    projectRound: Math.max(1, limits.concurrency),
    finerMappings: campaign.flow === 'linear' ? 'own-last-round' : 'after-last-project-round',
  };
}
