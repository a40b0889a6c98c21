import {
  DigitError,
  StepFailure,
  bulkCreateMappings,
  bulkCreateThenFind,
  createMapping,
  createOnce,
  deleteMappings,
  retryWhileNotPersisted,
  searchMappings,
  sendStamped,
  settleAll,
  consistencyLeft,
  findWithin,
  mappingPayload,
  savedMapping,
  type MappingKind,
  type StepChunk,
  type StepHandler,
} from '@campaign-pipeline/shared';
import { existingPairs, pairKey, type MappingRow } from '../domain/mapping-plan.ts';

/** How the mapped side's DIGIT id is found for each kind (fixed SQL, never from input). */
const MAPPED_ID: Record<MappingKind, string> = {
  facility: `(SELECT f.facility_id FROM campaign_facility f WHERE f.campaign_id = m.campaign_id AND f.name_key = m.entity_key)`,
  staff: `(SELECT u.user_service_uuid FROM campaign_user u WHERE u.campaign_id = m.campaign_id AND u.phone = m.entity_key)`,
  resource: 'm.entity_key',
};

interface ChunkMapping extends MappingRow {
  action: 'create' | 'delete';
  mappingId: string | null;
}

/**
 * The chunk's unfinished mappings, to create or to delete, with the DIGIT ids they join. The project is
 * looked up row by row (OFFSET 0 keeps the planner from turning the lookup into a join): joined, it
 * scanned all the campaign's projects for every chunk, 0.1-0.7 s a chunk at 100,000 boundaries.
 */
async function chunkMappings(chunk: StepChunk, kind: MappingKind): Promise<ChunkMapping[]> {
  const { rows } = await chunk.db.query<ChunkMapping>(
    `SELECT m.boundary_code AS "boundaryCode", m.entity_key AS "entityKey", m.attempted_at AS "attemptedAt",
            m.action, m.mapping_id AS "mappingId", p.project_id AS "projectId", ${MAPPED_ID[kind]} AS "mappedId"
     FROM campaign_mapping m
     JOIN LATERAL (
       SELECT project_id FROM campaign_project
       WHERE campaign_id = m.campaign_id AND boundary_code = m.boundary_code OFFSET 0
     ) p ON true
     WHERE m.campaign_id = $1 AND m.kind = $2 AND m.chunk = $3 AND NOT m.done AND m.action IN ('create', 'delete')`,
    [chunk.campaign.id, kind, chunk.command.chunk.index],
  );
  return rows;
}

/**
 * Removes the mappings an update no longer wants. DIGIT deletes whole current records (row version
 * included), so the chunk's mappings are searched for first; one already gone needs nothing.
 */
async function removeMappings(chunk: StepChunk, kind: MappingKind, rows: ChunkMapping[]): Promise<void> {
  if (rows.length === 0) return;
  const { db, campaign, command, digit, requestInfo } = chunk;
  const wanted = new Set(rows.map((row) => row.mappingId));
  const held = await searchMappings(
    digit,
    requestInfo,
    kind,
    campaign.tenantId,
    [...new Set(rows.flatMap((row) => (row.projectId ? [row.projectId] : [])))],
    [...new Set(rows.flatMap((row) => (row.mappedId ? [row.mappedId] : [])))],
  );
  await deleteMappings(
    digit,
    requestInfo,
    kind,
    held.filter((mapping) => wanted.has(mapping.id)),
  );
  await db.query(
    `UPDATE campaign_mapping SET done = true, attempted_at = now()
     WHERE campaign_id = $1 AND kind = $2 AND chunk = $3 AND NOT done AND action = 'delete'`,
    [campaign.id, kind, command.chunk.index],
  );
  chunk.count('deactivated', rows.length);
}

/**
 * Maps one chunk: removes the mappings an update dropped, resolves the project and entity ids, searches
 * DIGIT for the chunk's pairs that may exist, adopts those found and creates the rest through DIGIT's bulk
 * create, learning by search what it saved. "Exists" is only ever concluded from a search: a create
 * whose answer is lost, or that DIGIT refuses as a duplicate, is searched for by its pair and adopted when
 * found (the project is the campaign's, so the pair is ours).
 */
export function mappingStep(kind: MappingKind): StepHandler {
  return async (chunk: StepChunk) => {
    const mappings = await chunkMappings(chunk, kind);
    await removeMappings(
      chunk,
      kind,
      mappings.filter((row) => row.action === 'delete'),
    );
    const { db, campaign, digit, requestInfo, config } = chunk;
    const rows = mappings.filter((row) => row.action === 'create');
    if (rows.length === 0) return;
    const unresolved = rows.find((row) => !row.projectId || !row.mappedId);
    if (unresolved) {
      throw new StepFailure(
        'MAPPING_ENTITY_MISSING',
        `the ${unresolved.projectId ? kind : 'project'} of ${kind} mapping ${unresolved.entityKey} at ${unresolved.boundaryCode} was not created`,
      );
    }
    const searchPairs = async (pending: MappingRow[]) =>
      existingPairs(
        kind,
        await searchMappings(
          digit,
          requestInfo,
          kind,
          campaign.tenantId,
          [...new Set(pending.map((row) => row.projectId as string))],
          [...new Set(pending.map((row) => row.mappedId as string))],
        ),
      );
    // A pair may exist already when an earlier attempt may have sent it (attempted_at is stamped before
    // every send) or, in a child campaign, on the parent's projects; a new campaign's other pairs cannot,
    // as their projects are its own. Those are searched at once and again until the window after the
    // newest attempt has passed: what an earlier attempt created is adopted as soon as DIGIT shows it.
    const mayExist = campaign.parentId ? rows : rows.filter((row) => row.attemptedAt !== null);
    const { found: adopted, missing: notFound } =
      mayExist.length === 0
        ? { found: [], missing: [] }
        : await findWithin(
            mayExist,
            pairOf,
            searchPairs,
            consistencyLeft(
              mayExist.map((row) => row.attemptedAt),
              config,
            ),
          );
    await record(chunk, kind, adopted);
    chunk.count('adopted', adopted.length);
    const searched = new Set(mayExist);
    const toCreate = [...notFound, ...rows.filter((row) => !searched.has(row))];
    if (toCreate.length === 0) return;

    const payload = (row: MappingRow) =>
      mappingPayload(kind, campaign, row.projectId as string, row.mappedId as string);
    const { found, missing } = await bulkCreateThenFind({
      items: toCreate,
      key: pairOf,
      batchSize: config.DIGIT_BULK_BATCH_SIZE,
      consistencyMs: config.DIGIT_SEARCH_CONSISTENCY_MS,
      saved: (row) => savedMapping(payload(row)),
      // Stamped before every send, a resend included: a later attempt waits out the window after it.
      send: (batch) =>
        sendStamped(
          () =>
            db.query(
              `UPDATE campaign_mapping SET attempted_at = now()
               WHERE campaign_id = $1 AND kind = $2 AND chunk = $3
                 AND (boundary_code, entity_key) IN (SELECT * FROM unnest($4::text[], $5::text[]))`,
              [
                campaign.id,
                kind,
                chunk.command.chunk.index,
                batch.map((row) => row.boundaryCode),
                batch.map((row) => row.entityKey),
              ],
            ),
          () => bulkCreateMappings(digit, requestInfo, kind, () => batch.map(payload)),
          config.DIGIT_ATTEMPT_STAMP_MAX_AGE_MS,
        ),
      search: searchPairs,
      onUnknown: (error, batch) =>
        chunk.logger.warn(
          { err: error, kind, mappings: batch.length },
          'bulk create outcome unknown, searching',
        ),
    });
    await record(chunk, kind, found);
    chunk.count('created', found.length);
    // What DIGIT dropped (or saved too late) goes through the single create, whose answer says why.
    await settleAll(missing.map((row) => createPair(chunk, kind, row)));
  };
}

const pairOf = (row: MappingRow) => pairKey(row.projectId as string, row.mappedId as string);

async function createPair(chunk: StepChunk, kind: MappingKind, row: MappingRow): Promise<void> {
  const { campaign, digit, requestInfo, config } = chunk;
  const projectId = row.projectId as string;
  const mappedId = row.mappedId as string;
  const { created, adopted } = await createOnce({
    what: `${kind} mapping ${row.entityKey} at ${row.boundaryCode}`,
    items: [row],
    key: () => pairKey(projectId, mappedId),
    consistencyMs: config.DIGIT_SEARCH_CONSISTENCY_MS,
    create: async () => {
      try {
        const mapping = await sendStamped(
          () =>
            chunk.db.query(
              `UPDATE campaign_mapping SET attempted_at = now()
               WHERE campaign_id = $1 AND kind = $2 AND boundary_code = $3 AND entity_key = $4`,
              [campaign.id, kind, row.boundaryCode, row.entityKey],
            ),
          () =>
            retryWhileNotPersisted(
              () =>
                createMapping(digit, requestInfo, kind, mappingPayload(kind, campaign, projectId, mappedId)),
              // A project or entity created moments ago may not be persisted yet.
              (error) => error instanceof DigitError && error.code === 'NON_EXISTENT_RELATED_ENTITY',
              config.DIGIT_SEARCH_CONSISTENCY_MS + 5000,
            ),
          config.DIGIT_ATTEMPT_STAMP_MAX_AGE_MS,
        );
        return mapping?.id ? new Map([[pairKey(projectId, mappedId), mapping.id]]) : new Map();
      } catch (error) {
        // DIGIT already holds the pair, most likely from a write of ours whose answer was lost: the
        // search that follows an empty answer finds and adopts it.
        if (error instanceof DigitError && error.code === 'DUPLICATE_ENTITY') return new Map();
        throw error;
      }
    },
    search: async () =>
      existingPairs(
        kind,
        await searchMappings(digit, requestInfo, kind, campaign.tenantId, [projectId], [mappedId]),
      ),
    onUnknown: (error) =>
      chunk.logger.warn(
        { err: error, kind, entity: row.entityKey },
        'mapping create outcome unknown, searching',
      ),
  });
  await record(chunk, kind, [...created, ...adopted]);
  if (created.length > 0) chunk.count('created');
  if (adopted.length > 0) chunk.count('adopted');
}

/**
 * Marks the chunk's mappings done with their DIGIT ids. The chunk is named so that PostgreSQL reads the
 * chunk's rows by its index: joined by pair alone it scanned every mapping of the campaign's kind (100,000
 * at L, 190 ms a chunk).
 */
async function record(chunk: StepChunk, kind: MappingKind, mapped: [MappingRow, string][]): Promise<void> {
  if (mapped.length === 0) return;
  await chunk.db.query(
    `UPDATE campaign_mapping m SET mapping_id = v.mapping_id, done = true
     FROM unnest($4::text[], $5::text[], $6::text[]) AS v(boundary_code, entity_key, mapping_id)
     WHERE m.campaign_id = $1 AND m.kind = $2 AND m.chunk = $3
       AND m.boundary_code = v.boundary_code AND m.entity_key = v.entity_key`,
    [
      chunk.campaign.id,
      kind,
      chunk.command.chunk.index,
      mapped.map(([row]) => row.boundaryCode),
      mapped.map(([row]) => row.entityKey),
      mapped.map(([, id]) => id),
    ],
  );
}
