import {
  RequestCutter,
  jsonb,
  assignChunks,
  sumTargetsUpTree,
  type DatabaseClient,
  type ProjectTarget,
  type RowAction,
  type UserEntity,
} from '@campaign-pipeline/shared';
import type { SelectedBoundary } from './boundaries.ts';
import { rowsOf, type ChunkCut, type ChunkPlan } from './chunk-plan.ts';
import { inBatches, insertBoundaries, insertMappings } from './store-campaign.ts';
import {
  boundariesWithTargets,
  diffEntities,
  diffProjects,
  type ChildEntity,
  type ParentEntity,
  type ParentProject,
  type SheetEntity,
} from './update-diff.ts';

// Writes a child campaign's entity rows: its parent's rows diffed against the child's sheets (see
// update-diff.ts). Everything runs in the caller's transaction.

/** What the update will do, by entity and change, for the acceptance log and the run's counts. */
export type UpdatePlan = Record<'project' | 'facility' | 'user', Record<string, number>>;

function tally<T>(items: readonly T[], changeOf: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[changeOf(item)] = (counts[changeOf(item)] ?? 0) + 1;
  return counts;
}

async function insertChildProjects(
  tx: DatabaseClient,
  campaignId: string,
  parentId: string,
  boundaries: SelectedBoundary[],
  leafTargets: Map<string, ProjectTarget[]>,
  rowsPerChunk: number,
): Promise<Record<string, number>> {
  const { rows: parentRows } = await tx.query<ParentProject>(
    `SELECT boundary_code AS "boundaryCode", project_id AS "projectId", targets, is_active AS "isActive"
     FROM campaign_project WHERE campaign_id = $1`,
    [parentId],
  );
  const kept = boundariesWithTargets(boundaries, new Set(leafTargets.keys()));
  const parentOf = new Map(boundaries.map((boundary) => [boundary.code, boundary.parentCode]));
  const targets = sumTargetsUpTree(leafTargets, parentOf);
  const projects = diffProjects(
    boundaries,
    kept,
    targets,
    new Map(parentRows.map((row) => [row.boundaryCode, row])),
  );
  const chunks = assignChunks(
    projects.filter((project) => project.action !== 'none'),
    (project) => project.boundary.level,
    rowsPerChunk,
    { key: (project) => project.boundary.code, parent: (project) => project.boundary.parentCode },
  );
  await insertBoundaries(tx, campaignId, boundaries);
  await inBatches(projects, async (batch) => {
    await tx.query(
      `INSERT INTO campaign_project (campaign_id, boundary_code, boundary_type, parent_boundary_code, level, targets,
         project_id, is_active, action, done, chunk)
       SELECT $1, r.code, r.boundary_type, r.parent_code, r.level, r.targets, r.project_id, r.is_active, r.action,
         r.action = 'none', r.chunk
       FROM jsonb_to_recordset($2::jsonb) AS r(code text, boundary_type text, parent_code text, level int,
         targets jsonb, project_id text, is_active boolean, action text, chunk int)`,
      [
        campaignId,
        jsonb(
          batch.map((project) => ({
            code: project.boundary.code,
            boundary_type: project.boundary.boundaryType,
            parent_code: project.boundary.parentCode,
            level: project.boundary.level,
            targets: project.targets,
            project_id: project.projectId,
            is_active: project.isActive,
            action: project.action,
            chunk: chunks.get(project) ?? 0,
          })),
        ),
      ],
    );
  });
  return tally(projects, (project) =>
    project.action === 'none' ? (project.isActive ? 'unchanged' : 'carried') : project.action,
  );
}

/**
 * Chunk numbers for the rows that need a create, in order, cut as the plan says by their rows and their
 * bytes (`bytesOf`, as the workers measure them); rows needing nothing go in chunk 0, done.
 */
function createChunks<T extends { action: string }>(
  rows: readonly T[],
  cut: ChunkCut,
  bytesOf: (row: T) => number,
): Map<T, number> {
  const chunks = new Map<T, number>();
  const cutter = new RequestCutter(cut.maxRows, cut.maxBytes);
  let chunk = -1;
  for (const row of rows) {
    if (row.action === 'create' && cutter.begins(bytesOf(row))) chunk++;
    chunks.set(row, row.action === 'create' ? chunk : 0);
  }
  return chunks;
}

interface FacilityFields {
  name: string;
  facilityType: string;
  facilityStatus: string;
  capacity: string;
}

type SheetFacility = SheetEntity & FacilityFields;
type ParentFacility = ParentEntity & FacilityFields;

async function insertChildFacilities(
  tx: DatabaseClient,
  campaignId: string,
  parentId: string,
  chunkPlan: ChunkPlan,
): Promise<Record<string, number>> {
  const { rows: sheet } = await tx.query<SheetFacility>(
    `SELECT lower(trim(name)) AS key, facility_id AS "digitId", usage = 'Active' AS active,
            boundary_codes AS "boundaryCodes", trim(name) AS name, facility_type AS "facilityType",
            facility_status AS "facilityStatus", capacity
     FROM campaign_facility_row WHERE campaign_id = $1 ORDER BY row_number`,
    [campaignId],
  );
  const { rows: parent } = await tx.query<ParentFacility>(
    `SELECT name_key AS key, facility_id AS "digitId", is_active AS "isActive", boundary_codes AS "boundaryCodes",
            name, facility_type AS "facilityType", facility_status AS "facilityStatus", capacity
     FROM campaign_facility WHERE campaign_id = $1 ORDER BY name_key`,
    [parentId],
  );
  const facilities = diffEntities(sheet, parent);
  const fields = (facility: ChildEntity<SheetFacility, ParentFacility>): FacilityFields =>
    (facility.sheetRow ?? facility.parentRow) as FacilityFields;
  const chunks = createChunks(facilities, chunkPlan.cuts.facility, (facility) =>
    chunkPlan.bytesOf.facility({
      ...fields(facility),
      nameKey: facility.key,
      capacity: Number(fields(facility).capacity),
      boundaryCodes: facility.boundaryCodes,
    }),
  );
  await inBatches(facilities, async (batch) => {
    await tx.query(
      `INSERT INTO campaign_facility (campaign_id, name_key, name, facility_type, facility_status, capacity,
         boundary_codes, facility_id, is_active, action, done, chunk)
       SELECT $1, r.name_key, r.name, r.facility_type, r.facility_status, r.capacity,
         ARRAY(SELECT jsonb_array_elements_text(r.boundary_codes)), r.facility_id, r.is_active, r.action,
         r.action = 'none', r.chunk
       FROM jsonb_to_recordset($2::jsonb) AS r(name_key text, name text, facility_type text, facility_status text,
         capacity bigint, boundary_codes jsonb, facility_id text, is_active boolean, action text, chunk int)`,
      [
        campaignId,
        jsonb(
          batch.map((facility) => ({
            name_key: facility.key,
            name: fields(facility).name,
            facility_type: fields(facility).facilityType,
            facility_status: fields(facility).facilityStatus,
            capacity: fields(facility).capacity,
            boundary_codes: facility.boundaryCodes,
            facility_id: facility.digitId,
            is_active: facility.isActive,
            action: facility.action,
            chunk: chunks.get(facility) ?? 0,
          })),
        ),
      ],
    );
  });
  return tally(facilities, (facility) => facility.change);
}

interface UserFields {
  name: string;
  roles: string[];
  employmentType: string;
  userName: string | null;
}

type SheetUser = SheetEntity & UserFields;
type ParentUser = ParentEntity & UserFields;

/** The child's user as its row will hold it. */
function childUser(user: ChildEntity<SheetUser, ParentUser>): UserEntity {
  const fields = (user.sheetRow ?? user.parentRow) as UserFields;
  return {
    phone: user.key,
    name: fields.name,
    roles: fields.roles,
    employmentType: fields.employmentType,
    // The login an existing user already has wins over a name typed in the sheet.
    userName: user.parentRow?.userName ?? fields.userName,
    boundaryCodes: user.boundaryCodes,
  };
}

async function insertChildUsers(
  tx: DatabaseClient,
  campaignId: string,
  parentId: string,
  chunkPlan: ChunkPlan,
): Promise<Record<string, number>> {
  const { rows: sheet } = await tx.query<SheetUser>(
    `SELECT phone AS key, user_service_uuid AS "digitId", usage = 'Active' AS active, boundary_codes AS "boundaryCodes",
            name, roles, employment_type AS "employmentType", user_name AS "userName"
     FROM campaign_user_row WHERE campaign_id = $1 ORDER BY row_number`,
    [campaignId],
  );
  const { rows: parent } = await tx.query<ParentUser>(
    `SELECT phone AS key, user_service_uuid AS "digitId", is_active AS "isActive", boundary_codes AS "boundaryCodes",
            name, roles, employment_type AS "employmentType", user_name AS "userName"
     FROM campaign_user WHERE campaign_id = $1 ORDER BY phone`,
    [parentId],
  );
  const users = diffEntities(sheet, parent);
  const chunks = createChunks(users, chunkPlan.cuts.user, (user) => chunkPlan.bytesOf.user(childUser(user)));
  await inBatches(users, async (batch) => {
    await tx.query(
      `INSERT INTO campaign_user (campaign_id, phone, name, roles, employment_type, user_name, boundary_codes,
         user_service_uuid, is_active, action, done, chunk)
       SELECT $1, r.phone, r.name, ARRAY(SELECT jsonb_array_elements_text(r.roles)), r.employment_type, r.user_name,
         ARRAY(SELECT jsonb_array_elements_text(r.boundary_codes)), r.user_service_uuid, r.is_active, r.action,
         r.action = 'none', r.chunk
       FROM jsonb_to_recordset($2::jsonb) AS r(phone text, name text, roles jsonb, employment_type text,
         user_name text, boundary_codes jsonb, user_service_uuid text, is_active boolean, action text, chunk int)`,
      [
        campaignId,
        jsonb(
          batch.map((user) => {
            const row = childUser(user);
            return {
              phone: row.phone,
              name: row.name,
              roles: row.roles,
              employment_type: row.employmentType,
              user_name: row.userName,
              boundary_codes: row.boundaryCodes,
              user_service_uuid: user.digitId,
              is_active: user.isActive,
              action: user.action,
              chunk: chunks.get(user) ?? 0,
            };
          }),
        ),
      ],
    );
  });
  return tally(users, (user) => user.change);
}

/**
 * The rows of a plan that need no DIGIT write, as the run's row actions: the workers count the others
 * (created, updated, deactivated projects) when they write them.
 */
export function settledRows(plan: UpdatePlan): [string, RowAction, number][] {
  const settled: [string, RowAction, number][] = [];
  const add = (entity: string, action: RowAction, rows: number | undefined): void => {
    if (rows) settled.push([entity, action, rows]);
  };
  add('project', 'unchanged', (plan.project.unchanged ?? 0) + (plan.project.carried ?? 0));
  for (const entity of ['facility', 'user'] as const) {
    const changes = plan[entity];
    add(entity, 'unchanged', (changes.unchanged ?? 0) + (changes.carried ?? 0));
    add(entity, 'updated', changes.moved);
    add(entity, 'deactivated', changes.deactivated);
    add(entity, 'adopted', changes.reused);
  }
  return settled;
}

/** The child's boundaries, projects, facilities, users and mappings, diffed against its parent's. */
export async function insertChildEntities(
  tx: DatabaseClient,
  campaignId: string,
  parentId: string,
  boundaries: SelectedBoundary[],
  leafTargets: Map<string, ProjectTarget[]>,
  productVariants: string[],
  chunks: ChunkPlan,
): Promise<UpdatePlan> {
  const project = await insertChildProjects(
    tx,
    campaignId,
    parentId,
    boundaries,
    leafTargets,
    rowsOf(chunks.rows, 'project-creation'),
  );
  const facility = await insertChildFacilities(tx, campaignId, parentId, chunks);
  const user = await insertChildUsers(tx, campaignId, parentId, chunks);
  await insertMappings(tx, campaignId, parentId, productVariants, chunks);
  return { project, facility, user };
}
