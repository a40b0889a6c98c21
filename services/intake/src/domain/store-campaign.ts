import {
  jsonb,
  treeChunks,
  projectTargets,
  type DatabaseClient,
  type FacilityRow,
  type ProjectTarget,
  type ProjectType,
  type TargetColumnDefinition,
  type TargetRow,
  type UserRow,
} from '@campaign-pipeline/shared';
import type { SelectedBoundary } from './boundaries.ts';
import { rowsOf, type ChunkPlan } from './chunk-plan.ts';

// Writes a validated campaign's rows and entity rows. Everything runs in the caller's transaction.

export async function insertFacilityRows(
  tx: DatabaseClient,
  campaignId: string,
  rows: FacilityRow[],
): Promise<void> {
  await tx.query(
    `INSERT INTO campaign_facility_row (campaign_id, row_number, facility_id, name, facility_type, facility_status,
       capacity, boundary_codes, usage)
     SELECT $1, r.row_number, r.facility_id, r.name, r.facility_type, r.facility_status, r.capacity,
       ARRAY(SELECT jsonb_array_elements_text(r.boundary_codes)), r.usage
     FROM jsonb_to_recordset($2::jsonb) AS r(row_number int, facility_id text, name text, facility_type text,
       facility_status text, capacity bigint, boundary_codes jsonb, usage text)`,
    [
      campaignId,
      jsonb(
        rows.map((row) => ({
          row_number: row.rowNumber,
          facility_id: row.facilityId ?? null,
          name: row.name,
          facility_type: row.type,
          facility_status: row.status,
          capacity: row.capacity,
          boundary_codes: row.boundaryCodes,
          usage: row.usage,
        })),
      ),
    ],
  );
}

export async function insertUserRows(tx: DatabaseClient, campaignId: string, rows: UserRow[]): Promise<void> {
  await tx.query(
    `INSERT INTO campaign_user_row (campaign_id, row_number, name, phone, roles, employment_type, usage,
       boundary_codes, user_name, user_service_uuid)
     SELECT $1, r.row_number, r.name, r.phone, ARRAY(SELECT jsonb_array_elements_text(r.roles)), r.employment_type,
       r.usage, ARRAY(SELECT jsonb_array_elements_text(r.boundary_codes)), r.user_name, r.user_service_uuid
     FROM jsonb_to_recordset($2::jsonb) AS r(row_number int, name text, phone text, roles jsonb,
       employment_type text, usage text, boundary_codes jsonb, user_name text, user_service_uuid text)`,
    [
      campaignId,
      jsonb(
        rows.map((row) => ({
          row_number: row.rowNumber,
          name: row.name,
          phone: row.phone,
          roles: row.roles,
          employment_type: row.employmentType,
          usage: row.usage,
          boundary_codes: row.boundaryCodes,
          user_name: row.userName ?? null,
          user_service_uuid: row.userServiceUuid ?? null,
        })),
      ),
    ],
  );
}

export async function insertTargetRows(
  tx: DatabaseClient,
  campaignId: string,
  rows: TargetRow[],
): Promise<void> {
  await tx.query(
    `INSERT INTO campaign_target_row (campaign_id, boundary_code, sheet, row_number, target_values)
     SELECT $1, r.boundary_code, r.sheet, r.row_number, r.target_values
     FROM jsonb_to_recordset($2::jsonb) AS r(boundary_code text, sheet text, row_number int, target_values jsonb)`,
    [
      campaignId,
      jsonb(
        rows.map((row) => ({
          boundary_code: row.boundaryCode,
          sheet: row.sheet,
          row_number: row.rowNumber,
          target_values: row.values,
        })),
      ),
    ],
  );
}

const INSERT_BATCH = 5000;

export async function inBatches<T>(items: readonly T[], write: (batch: T[]) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += INSERT_BATCH)
    await write(items.slice(start, start + INSERT_BATCH));
}

/** The campaign's boundaries, placed in its own tree, so workers never fetch the tree. */
export async function insertBoundaries(
  tx: DatabaseClient,
  campaignId: string,
  boundaries: readonly SelectedBoundary[],
): Promise<void> {
  await inBatches(boundaries, async (batch) => {
    await tx.query(
      `INSERT INTO campaign_boundary (campaign_id, code, boundary_type, parent_code, level, is_leaf)
       SELECT $1, r.code, r.boundary_type, r.parent_code, r.level, r.is_leaf
       FROM jsonb_to_recordset($2::jsonb) AS r(code text, boundary_type text, parent_code text, level int, is_leaf boolean)`,
      [
        campaignId,
        jsonb(
          batch.map((boundary) => ({
            code: boundary.code,
            boundary_type: boundary.boundaryType,
            parent_code: boundary.parentCode,
            level: boundary.level,
            is_leaf: boundary.isLeaf,
          })),
        ),
      ],
    );
  });
}

/**
 * The campaign's boundaries and one project row per boundary, with targets summed up the tree; chunks
 * hold one level each (the small top levels one together, with the first chunk's worth of the next level
 * when it fits), siblings together, so a chunk waits only for the chunks holding its parents; an inner
 * level goes out in one round of the project service's calls (see waveChunks).
 * `boundaries` are in depth-first order (as selectBoundaries lists them). The targets are summed in
 * PostgreSQL from the stored target rows, so that a campaign of 100,000 boundaries holds no map of them
 * in memory: each lowest-level boundary's target columns are added by beneficiary type (as projectTargets
 * does), then each level's sums are added into its parents', from the deepest level up (as
 * sumTargetsUpTree does), the beneficiary types in the order of the project type's columns.
 */
export async function insertProjects(
  tx: DatabaseClient,
  campaignId: string,
  boundaries: readonly SelectedBoundary[],
  targetColumns: readonly TargetColumnDefinition[],
  chunks: Pick<ChunkPlan, 'rows' | 'projectRound'>,
): Promise<void> {
  await insertBoundaries(tx, campaignId, boundaries);
  // The sums join the rows this transaction just inserted: planned without their statistics, a join
  // could scan every row of the campaign for each boundary.
  await tx.query('ANALYZE campaign_boundary, campaign_target_row');
  // The sums group hundreds of thousands of rows at L, and so do the entity rows' chunk numbers after
  // them: sorted in memory rather than on disk for the rest of the transaction.
  await tx.query("SET LOCAL work_mem = '32MB'");
  await tx.query(
    `CREATE TEMPORARY TABLE boundary_target (code text, level int, beneficiary_type text, position bigint, target numeric)
     ON COMMIT DROP`,
  );
  await tx.query(
    `INSERT INTO boundary_target
     SELECT r.boundary_code, b.level, c.beneficiary_type, min(c.position), sum((r.target_values ->> c.key)::numeric)
     FROM campaign_target_row r
     JOIN campaign_boundary b ON b.campaign_id = r.campaign_id AND b.code = r.boundary_code
     JOIN unnest($2::text[], $3::text[]) WITH ORDINALITY AS c(key, beneficiary_type, position)
       ON r.target_values ? c.key
     WHERE r.campaign_id = $1
     GROUP BY r.boundary_code, b.level, c.beneficiary_type`,
    [
      campaignId,
      targetColumns.map((column) => column.key),
      targetColumns.map((column) => column.beneficiaryType),
    ],
  );
  const deepest = boundaries.reduce((deepest, boundary) => Math.max(deepest, boundary.level), 0);
  for (let level = deepest; level > 0; level--) {
    await tx.query(
      `INSERT INTO boundary_target
       SELECT b.parent_code, $2::int - 1, t.beneficiary_type, min(t.position), sum(t.target)
       FROM boundary_target t JOIN campaign_boundary b ON b.campaign_id = $1 AND b.code = t.code
       WHERE t.level = $2
       GROUP BY b.parent_code, t.beneficiary_type`,
      [campaignId, level],
    );
  }
  await tx.query(
    `INSERT INTO campaign_project (campaign_id, boundary_code, boundary_type, parent_boundary_code, level, targets, chunk)
     SELECT $1, b.code, b.boundary_type, b.parent_code, b.level, coalesce(t.targets, '[]'::jsonb), c.chunk
     FROM unnest($2::text[], $3::int[]) AS c(code, chunk)
     JOIN campaign_boundary b ON b.campaign_id = $1 AND b.code = c.code
     LEFT JOIN (
       SELECT code, jsonb_agg(jsonb_build_object('beneficiaryType', beneficiary_type, 'targetNo', target)
                              ORDER BY position) AS targets
       FROM boundary_target GROUP BY code
     ) t ON t.code = c.code`,
    [
      campaignId,
      boundaries.map((boundary) => boundary.code),
      // The tree's small top levels share a chunk: project creation creates them level by level.
      treeChunks(
        boundaries.map((boundary) => boundary.level),
        rowsOf(chunks.rows, 'project-creation'),
        { shareSmallWaves: true, spreadInnerWaves: chunks.projectRound },
      ),
    ],
  );
}

/**
 * Refreshes the planner's statistics of the tables the workers query row by row. A campaign adds up to
 * hundreds of thousands of rows in one transaction, long before autovacuum looks at them; planned with the
 * empty tables' statistics, each batch's update by key hashes every row of the campaign (tens of ms at
 * L, for each of thousands of batches) instead of looking its rows up by index. ANALYZE counts the rows
 * this transaction inserted.
 */
export async function analyzeCampaignTables(tx: DatabaseClient): Promise<void> {
  await tx.query(
    'ANALYZE campaign_boundary, campaign_project, campaign_facility, campaign_user, campaign_mapping',
  );
}

/** Adds the targets of target sheet rows (lowest-level boundaries), by the project type's column mapping. */
export function addLeafTargets(
  leafTargets: Map<string, ProjectTarget[]>,
  rows: Iterable<TargetRow>,
  projectType: ProjectType,
): void {
  for (const row of rows)
    leafTargets.set(row.boundaryCode, projectTargets(row.values, projectType.targetColumns));
}

/**
 * Entity rows of the facilities, users and mappings, derived in SQL from the stored sheet rows: only
 * Active rows become entities; a row naming an existing DIGIT id needs no create.
 */
export async function insertEntities(
  tx: DatabaseClient,
  campaignId: string,
  productVariants: string[],
  chunks: ChunkPlan,
): Promise<void> {
  // A row to create goes in the chunk that begins at the last start at or before its sheet row; a row with
  // nothing to do in chunk 0, done.
  await tx.query(
    `INSERT INTO campaign_facility (campaign_id, name_key, name, facility_type, facility_status, capacity,
       boundary_codes, facility_id, action, done, chunk)
     SELECT campaign_id, lower(trim(name)), trim(name), facility_type, facility_status, capacity, boundary_codes,
       facility_id, CASE WHEN facility_id IS NULL THEN 'create' ELSE 'none' END, facility_id IS NOT NULL,
       CASE WHEN facility_id IS NULL THEN greatest(width_bucket(row_number, $2::int[]) - 1, 0) ELSE 0 END
     FROM campaign_facility_row WHERE campaign_id = $1 AND usage = 'Active'`,
    [campaignId, chunks.starts.facility],
  );
  await tx.query(
    `INSERT INTO campaign_user (campaign_id, phone, name, roles, employment_type, user_name, boundary_codes,
       user_service_uuid, action, done, chunk)
     SELECT campaign_id, phone, name, roles, employment_type, user_name, boundary_codes, user_service_uuid,
       CASE WHEN user_service_uuid IS NULL THEN 'create' ELSE 'none' END, user_service_uuid IS NOT NULL,
       CASE WHEN user_service_uuid IS NULL THEN greatest(width_bucket(row_number, $2::int[]) - 1, 0) ELSE 0 END
     FROM campaign_user_row WHERE campaign_id = $1 AND usage = 'Active'`,
    [campaignId, chunks.starts.user],
  );
  await insertMappings(tx, campaignId, null, productVariants, chunks);
}

/**
 * Mappings: every active facility and user mapped to the active project of each of its boundaries, and
 * every active project to each product variant. For a child, mappings the parent holds and the child
 * still wants are carried over, new ones are created and the parent's others are deleted; without a
 * parent every mapping is created. Chunks follow the order of the project chunks, so that a mapping
 * chunk waits for few project chunks (mapping steps follow project creation chunk by chunk). The last work
 * goes in chunks of half the size (`finerMappings`), so that the last calls end close together. In the
 * parallel flow that is the mappings waiting for the last round of project chunks, when the projects take
 * two rounds of those chunks or more: ready only once the last projects exist, whole chunks of them would
 * run on with few calls beside them. The linear flow maps once every project exists, so each step's own
 * last round of chunks is cut, when the step takes two rounds or more: a step of one round keeps it (cut
 * by the project chunks, 17,984 facility mappings at L took 9 chunks for 8 calls, a second round).
 */
export async function insertMappings(
  tx: DatabaseClient,
  campaignId: string,
  parentId: string | null,
  productVariants: string[],
  chunks: Pick<ChunkPlan, 'rows' | 'projectRound' | 'finerMappings'>,
): Promise<void> {
  await tx.query(
    `WITH active_project AS (
       SELECT boundary_code FROM campaign_project WHERE campaign_id = $1 AND is_active
     ), wanted AS (
       SELECT DISTINCT 'facility' AS kind, b.code AS boundary_code, f.name_key AS entity_key
       FROM campaign_facility f CROSS JOIN LATERAL unnest(f.boundary_codes) AS b(code)
       WHERE f.campaign_id = $1 AND f.is_active AND b.code IN (SELECT boundary_code FROM active_project)
       UNION
       SELECT DISTINCT 'staff', b.code, u.phone
       FROM campaign_user u CROSS JOIN LATERAL unnest(u.boundary_codes) AS b(code)
       WHERE u.campaign_id = $1 AND u.is_active AND b.code IN (SELECT boundary_code FROM active_project)
       UNION
       SELECT 'resource', p.boundary_code, v.id FROM active_project p CROSS JOIN unnest($3::text[]) AS v(id)
     ), held AS (
       SELECT kind, boundary_code, entity_key, mapping_id FROM campaign_mapping
       WHERE campaign_id = $2 AND is_active AND mapping_id IS NOT NULL
     ), diff AS (
       SELECT coalesce(w.kind, h.kind) AS kind, coalesce(w.boundary_code, h.boundary_code) AS boundary_code,
              coalesce(w.entity_key, h.entity_key) AS entity_key, h.mapping_id, w.kind IS NOT NULL AS is_active,
              CASE WHEN w.kind IS NULL THEN 'delete' WHEN h.kind IS NULL THEN 'create' ELSE 'none' END AS action
       FROM wanted w FULL JOIN held h
         ON h.kind = w.kind AND h.boundary_code = w.boundary_code AND h.entity_key = w.entity_key
     )
     INSERT INTO campaign_mapping (campaign_id, kind, boundary_code, entity_key, mapping_id, is_active, action, done, chunk)
     SELECT $1, d.kind, d.boundary_code, d.entity_key, d.mapping_id, d.is_active, d.action, d.action = 'none',
       CASE WHEN d.action = 'none' THEN 0
            WHEN d.place < d.head_rows THEN d.place / d.size
            ELSE d.head_rows / d.size + (d.place - d.head_rows) / greatest(d.size / 2, 1) END
     FROM (
       SELECT d.*, s.size,
              row_number() OVER w - 1 AS place,
              CASE WHEN f.tail_from IS NOT NULL
                     THEN (count(*) FILTER (WHERE p.chunk < f.tail_from) OVER w) / s.size * s.size
                   WHEN count(*) OVER w >= 2 * $8::int * s.size
                     THEN (count(*) OVER w - $8::int * s.size) / s.size * s.size
                   ELSE count(*) OVER w END AS head_rows
       FROM diff d
       LEFT JOIN campaign_project p ON p.campaign_id = $1 AND p.boundary_code = d.boundary_code
       CROSS JOIN LATERAL (
         SELECT CASE d.kind WHEN 'facility' THEN $4::int WHEN 'staff' THEN $5::int ELSE $6::int END AS size
       ) s
       CROSS JOIN (
         SELECT CASE WHEN count(DISTINCT chunk) >= 2 * $7::int THEN max(chunk) - $7::int + 1 END AS tail_from
         FROM campaign_project WHERE campaign_id = $1
       ) f
       WINDOW w AS (PARTITION BY d.kind, d.action = 'none' ORDER BY p.chunk, d.boundary_code, d.entity_key
                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
     ) d`,
    [
      campaignId,
      parentId,
      productVariants,
      rowsOf(chunks.rows, 'facility-mapping'),
      rowsOf(chunks.rows, 'user-mapping'),
      rowsOf(chunks.rows, 'product-mapping'),
      chunks.finerMappings === 'after-last-project-round' ? chunks.projectRound : null,
      chunks.finerMappings === 'own-last-round' ? chunks.projectRound : null,
    ],
  );
}
