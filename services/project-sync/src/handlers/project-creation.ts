import {
  BULK_BATCH_MAX_BYTES,
  DigitError,
  bulkBatches,
  savedProject,
  StepFailure,
  createOnce,
  createProjects,
  retryWhileNotPersisted,
  searchCampaignProjects,
  sendStamped,
  consistencyLeft,
  findWithin,
  settleAll,
  projectPayload,
  type ProjectRow,
  type StepChunk,
} from '@campaign-pipeline/shared';
import { levelBatchSize } from '../domain/level-batches.ts';
import { projectChanges } from './project-changes.ts';

interface StoredProject extends ProjectRow {
  level: number;
  attemptedAt: Date | null;
}

/**
 * Creates the projects of one chunk and applies an update's changes to existing ones. A chunk holds one
 * level of the boundary tree, or several small top levels: those are created level by level, each once
 * its parents are. Rows whose create may already have happened (an earlier attempt, or an answer lost just
 * now) are searched for by their natural key (boundary, referenceID, project type) and adopted; only the
 * projects not found are created again.
 */
export async function projectCreation(chunk: StepChunk): Promise<void> {
  const { db, campaign, command } = chunk;
  // Only an update (a campaign with a parent) changes projects that exist: a new campaign's chunk skips
  // the query, which is on the path of every chunk.
  if (campaign.parentId) await projectChanges(chunk);
  const { rows } = await db.query<StoredProject>(
    `SELECT boundary_code AS "boundaryCode", boundary_type AS "boundaryType", parent_boundary_code AS "parentBoundaryCode",
            level, targets, attempted_at AS "attemptedAt"
     FROM campaign_project WHERE campaign_id = $1 AND chunk = $2 AND NOT done AND action = 'create'
     ORDER BY level, boundary_code`,
    [campaign.id, command.chunk.index],
  );
  const chunkLevels = new Set(rows.map((row) => row.level)).size;
  for (let start = 0; start < rows.length;) {
    const level = (rows[start] as StoredProject).level;
    let end = start;
    while (end < rows.length && (rows[end] as StoredProject).level === level) end++;
    await createLevel(chunk, rows.slice(start, end), chunkLevels);
    start = end;
  }
}

/** Creates the chunk's projects of one level, whose parents all exist. */
async function createLevel(chunk: StepChunk, rows: StoredProject[], chunkLevels: number): Promise<void> {
  const { db, campaign, config } = chunk;
  let pending = rows;
  const attempted = rows.filter((row) => row.attemptedAt !== null);
  if (attempted.length > 0) {
    // Searched at once and again until the window after the newest attempt has passed: what an earlier
    // attempt created is adopted as soon as DIGIT shows it.
    const { found } = await findWithin(
      attempted,
      (row) => row.boundaryCode,
      (items) =>
        findCampaignProjects(
          chunk,
          items.map((row) => row.boundaryCode),
        ),
      consistencyLeft(
        attempted.map((row) => row.attemptedAt),
        config,
      ),
    );
    const adopted = await recordProjectIds(
      chunk,
      found.map(([row, id]) => [row.boundaryCode, id]),
    );
    chunk.count('adopted', adopted.size);
    pending = rows.filter((row) => !adopted.has(row.boundaryCode));
  }

  const parentCodes = [
    ...new Set(pending.map((row) => row.parentBoundaryCode).filter((code): code is string => code !== null)),
  ];
  const { rows: parents } = await db.query<{ code: string; projectId: string | null }>(
    `SELECT boundary_code AS code, project_id AS "projectId" FROM campaign_project WHERE campaign_id = $1 AND boundary_code = ANY($2::text[])`,
    [campaign.id, parentCodes],
  );
  const parentIds = new Map(parents.map((parent) => [parent.code, parent.projectId]));
  for (const code of parentCodes) {
    if (!parentIds.get(code))
      throw new StepFailure(
        'PARENT_PROJECT_MISSING',
        `the project of parent boundary ${code} does not exist yet`,
        true,
      );
  }

  // Made when needed (to size the batches, then to send them), not kept: a chunk's payloads would
  // otherwise live for as long as DIGIT works on its create, for every chunk in hand.
  const payload = (row: StoredProject) =>
    projectPayload(
      campaign,
      row,
      row.parentBoundaryCode ? (parentIds.get(row.parentBoundaryCode) ?? null) : null,
    );
  // A project array is one request: as many as the level's batch size, within DIGIT's request limit.
  const batchSize = levelBatchSize(pending.length, {
    chunkLevels,
    maxProjects: config.DIGIT_BULK_BATCH_SIZE,
    concurrentCalls: config.digit.project.concurrency,
  });
  // Its level counts from the campaign's root, whose project is the top of the project tree.
  const batches = bulkBatches(pending, batchSize, BULK_BATCH_MAX_BYTES, (row) =>
    savedProject(payload(row), row.level + 1),
  );
  // Side by side: the DIGIT client's budget for the project service decides how many are in flight.
  await settleAll(batches.map((batch) => createBatch(chunk, batch, payload)));
}

async function createBatch(
  chunk: StepChunk,
  batch: StoredProject[],
  payload: (row: StoredProject) => ReturnType<typeof projectPayload>,
): Promise<void> {
  const { db, campaign, digit, requestInfo, config } = chunk;
  const { created, adopted } = await createOnce({
    what: 'projects',
    items: batch,
    key: (row) => row.boundaryCode,
    consistencyMs: config.DIGIT_SEARCH_CONSISTENCY_MS,
    create: async (rows) => {
      const projects = await sendStamped(
        () =>
          db.query(
            `UPDATE campaign_project SET attempted_at = now() WHERE campaign_id = $1 AND boundary_code = ANY($2::text[])`,
            [campaign.id, rows.map((row) => row.boundaryCode)],
          ),
        () =>
          retryWhileNotPersisted(
            () => createProjects(digit, requestInfo, () => rows.map(payload)),
            (error) => error instanceof DigitError && error.code === 'INVALID_PARENT_PROJECT',
            config.DIGIT_SEARCH_CONSISTENCY_MS + 5000,
          ),
        config.DIGIT_ATTEMPT_STAMP_MAX_AGE_MS,
      );
      return new Map(projects.map((project) => [project.address.boundary, project.id]));
    },
    search: (batch) =>
      findCampaignProjects(
        chunk,
        batch.map((row) => row.boundaryCode),
      ),
    onUnknown: (error, boundaries) =>
      chunk.logger.warn(
        { err: error, projects: boundaries.length },
        'project create outcome unknown, searching',
      ),
  });
  await recordProjectIds(
    chunk,
    [...created, ...adopted].map(([row, id]) => [row.boundaryCode, id]),
  );
  if (created.length > 0) chunk.count('created', created.length);
  if (adopted.length > 0) chunk.count('adopted', adopted.length);
}

/** The campaign's projects DIGIT holds at these boundaries, by boundary: same referenceID and type. */
async function findCampaignProjects(chunk: StepChunk, boundaries: string[]): Promise<Map<string, string>> {
  const { digit, requestInfo, campaign } = chunk;
  const found = await searchCampaignProjects(
    digit,
    requestInfo,
    campaign.tenantId,
    campaign.campaignNumber,
    boundaries,
  );
  return new Map(
    found
      .filter((project) => project.projectType === campaign.projectType && !project.isDeleted)
      .map((project) => [project.address.boundary, project.id]),
  );
}

/** Stores DIGIT's project ids for this campaign's boundaries; returns the boundaries recorded. */
async function recordProjectIds(chunk: StepChunk, pairs: [string, string][]): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const { rows } = await chunk.db.query<{ boundary_code: string }>(
    `UPDATE campaign_project p SET project_id = v.project_id, done = true
     FROM unnest($2::text[], $3::text[]) AS v(boundary_code, project_id)
     WHERE p.campaign_id = $1 AND p.boundary_code = v.boundary_code
     RETURNING p.boundary_code`,
    [chunk.campaign.id, pairs.map(([boundary]) => boundary), pairs.map(([, id]) => id)],
  );
  return new Set(rows.map((row) => row.boundary_code));
}
