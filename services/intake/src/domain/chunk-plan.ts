import {
  BULK_BATCH_MAX_BYTES,
  SEARCH_PAGE,
  SIZING_PASSWORD,
  chunkRows,
  employeePayload,
  facilityPayload,
  mappingPayload,
  projectPayload,
  requestRows,
  savedEmployee,
  savedFacility,
  savedMapping,
  savedProject,
  type CampaignRecord,
  type ChunkLimits,
  type DatabaseClient,
  type MappingKind,
  type StepLoad,
  type TargetColumnDefinition,
} from '@campaign-pipeline/shared';
import type { SelectedBoundary } from './boundaries.ts';

/** Rows per chunk of each step of one campaign. */
export type ChunkRows = ReadonlyMap<StepLoad['step'], number>;

/** The rows per chunk planned for a step; planChunkRows plans every step. */
export function rowsOf(chunkRows: ChunkRows, step: StepLoad['step']): number {
  const rows = chunkRows.get(step);
  if (rows === undefined) throw new Error(`no chunk size planned for ${step}`);
  return rows;
}

/** An id DIGIT has not given yet, as long as its ids get (UUIDs; idgen's ids are shorter). */
const PENDING_ID = '0'.repeat(36);

/** A target no sheet's sums reach: the longest a project's target is written. */
const LARGEST_TARGET = Number.MAX_SAFE_INTEGER;

/** Rows whose payloads are measured for the largest of their kind: the longest by their stored text. */
const SAMPLE_ROWS = 20;

const MAPPING_STEP = {
  facility: 'facility-mapping',
  staff: 'user-mapping',
  resource: 'product-mapping',
} as const satisfies Record<MappingKind, StepLoad['step']>;

interface FacilitySample {
  rows: string;
  pairs: string;
  name: string;
  facilityType: string;
  facilityStatus: string;
  capacity: string;
  boundaryCodes: string[];
}

interface UserSample {
  rows: string;
  pairs: string;
  name: string;
  phone: string;
  roles: string[];
  employmentType: string;
  userName: string | null;
  boundaryCodes: string[];
}

/**
 * How many rows each step's chunks carry (chunkRows): from the campaign's stored sheet rows, the size of
 * the largest item of each kind as DIGIT will save it, built by the same payload and saved-form functions
 * as the workers size their requests by, and the rows each step will have (mappings estimated from the
 * boundaries the facilities and users name).
 */
export async function planChunkRows(
  tx: DatabaseClient,
  campaign: CampaignRecord,
  boundaries: readonly SelectedBoundary[],
  targetColumns: readonly TargetColumnDefinition[],
  productVariants: readonly string[],
  limits: ChunkLimits,
): Promise<ChunkRows> {
  const fitting = (itemBytes: number) => requestRows(itemBytes, BULK_BATCH_MAX_BYTES);
  const bytes = (item: unknown) => Buffer.byteLength(JSON.stringify(item));
  const largest = (items: unknown[]) => Math.max(0, ...items.map(bytes));

  const { rows: facilities } = await tx.query<FacilitySample>(
    `SELECT count(*) OVER () AS rows, sum(cardinality(boundary_codes)) OVER () AS pairs, name,
            facility_type AS "facilityType", facility_status AS "facilityStatus", capacity,
            boundary_codes AS "boundaryCodes"
     FROM campaign_facility_row WHERE campaign_id = $1 AND usage = 'Active'
     ORDER BY octet_length(name) + octet_length(facility_type) + coalesce(octet_length(boundary_codes[1]), 0) DESC
     LIMIT $2`,
    [campaign.id, SAMPLE_ROWS],
  );
  // Users ordered by a rough measure of their saved form: each role adds its keys' bytes besides its
  // text, each jurisdiction those and its id and audit details. The first ones are then measured exactly.
  const { rows: users } = await tx.query<UserSample>(
    `SELECT count(*) OVER () AS rows, sum(cardinality(boundary_codes)) OVER () AS pairs, name, phone, roles,
            employment_type AS "employmentType", user_name AS "userName", boundary_codes AS "boundaryCodes"
     FROM campaign_user_row WHERE campaign_id = $1 AND usage = 'Active'
     ORDER BY octet_length(name) + coalesce(octet_length(user_name), 0)
              + octet_length(array_to_string(roles, '')) + 32 * cardinality(roles)
              + octet_length(array_to_string(boundary_codes, '')) + 300 * cardinality(boundary_codes) DESC
     LIMIT $2`,
    [campaign.id, SAMPLE_ROWS],
  );
  const boundaryTypes = new Map(boundaries.map((boundary) => [boundary.code, boundary.boundaryType]));
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
  const count = (sample: { rows: string }[]) => Number(sample[0]?.rows ?? 0);
  const pairs = (sample: { pairs: string }[]) => Number(sample[0]?.pairs ?? 0);

  const loads: StepLoad[] = [
    {
      step: 'project-creation',
      rows: boundaries.length,
      requestRows: fitting(project ? bytes(savedProject(project, depth)) : 0),
    },
    {
      step: 'facility-creation',
      rows: count(facilities),
      requestRows: fitting(
        largest(
          facilities.map((row) =>
            savedFacility(
              facilityPayload(campaign, { ...row, nameKey: row.name, capacity: Number(row.capacity) }),
            ),
          ),
        ),
      ),
      searchPage: SEARCH_PAGE,
    },
    {
      step: 'user-creation',
      rows: count(users),
      requestRows: fitting(
        largest(
          users.map((row) => savedEmployee(employeePayload(campaign, row, boundaryTypes, SIZING_PASSWORD))),
        ),
      ),
    },
    ...(Object.keys(MAPPING_STEP) as MappingKind[]).map((kind) => ({
      step: MAPPING_STEP[kind],
      rows:
        kind === 'facility'
          ? pairs(facilities)
          : kind === 'staff'
            ? pairs(users)
            : boundaries.length * productVariants.length,
      requestRows: fitting(mappingBytes(kind)),
      searchPage: SEARCH_PAGE,
    })),
  ];
  return chunkRows(loads, limits, campaign.flow === 'linear' ? 'linear' : 'parallel');
}
