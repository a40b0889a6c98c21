import {
  bulkCreateFacilities,
  bulkCreateThenFind,
  createFacility,
  createOnce,
  searchFacilitiesByReference,
  sendStamped,
  settleAll,
  consistencyLeft,
  findWithin,
  facilityPayload,
  facilityReference,
  savedFacility,
  type FacilityEntity,
  type StepChunk,
} from '@campaign-pipeline/shared';
import { isSameFacility } from '../domain/facility-match.ts';

interface StoredFacility extends FacilityEntity {
  attemptedAt: Date | null;
}

/**
 * Creates the facilities of one chunk. Facilities an earlier attempt may have created are searched for
 * by their client reference and adopted when name, status, type and capacity match; the rest go to
 * DIGIT's bulk create, and a search by reference tells which it saved; those it dropped go through the
 * single create, whose answer names the reason of a refusal.
 */
export async function facilityCreation(chunk: StepChunk): Promise<void> {
  const { db, campaign, command, config } = chunk;
  const { rows } = await db.query<StoredFacility>(
    `SELECT name_key AS "nameKey", name, facility_type AS "facilityType", facility_status AS "facilityStatus",
            capacity::int AS capacity, boundary_codes AS "boundaryCodes", attempted_at AS "attemptedAt"
     FROM campaign_facility WHERE campaign_id = $1 AND chunk = $2 AND NOT done AND action = 'create' ORDER BY name_key`,
    [campaign.id, command.chunk.index],
  );
  if (rows.length === 0) return;
  const attempted = rows.filter((row) => row.attemptedAt);
  const { found: before } = await findWithin(
    attempted,
    (row) => row.nameKey,
    (items) => findFacilities(chunk, items),
    consistencyLeft(
      attempted.map((row) => row.attemptedAt),
      config,
    ),
  );
  const earlier = new Map(before.map(([row, id]) => [row.nameKey, id]));
  const adopted = rows.filter((row) => earlier.has(row.nameKey));
  await record(chunk, adopted, earlier);
  if (adopted.length > 0) chunk.count('adopted', adopted.length);
  const pending = rows.filter((row) => !earlier.has(row.nameKey));
  if (pending.length === 0) return;

  const payload = (row: StoredFacility) => facilityPayload(campaign, row);
  const { found, missing } = await bulkCreateThenFind({
    items: pending,
    key: (row) => row.nameKey,
    batchSize: config.DIGIT_BULK_BATCH_SIZE,
    consistencyMs: config.DIGIT_SEARCH_CONSISTENCY_MS,
    saved: (row) => savedFacility(payload(row)),
    // Stamped before every send, a resend included: a later attempt waits out the window after it.
    send: (batch) =>
      sendStamped(
        () =>
          db.query(
            'UPDATE campaign_facility SET attempted_at = now() WHERE campaign_id = $1 AND chunk = $2 AND name_key = ANY($3::text[])',
            [campaign.id, command.chunk.index, batch.map((row) => row.nameKey)],
          ),
        () => bulkCreateFacilities(chunk.digit, chunk.requestInfo, () => batch.map(payload)),
        config.DIGIT_ATTEMPT_STAMP_MAX_AGE_MS,
      ),
    search: (batch) => findFacilities(chunk, batch),
    onUnknown: (error, batch) =>
      chunk.logger.warn({ err: error, facilities: batch.length }, 'bulk create outcome unknown, searching'),
  });
  await record(
    chunk,
    found.map(([row]) => row),
    new Map(found.map(([row, id]) => [row.nameKey, id])),
  );
  chunk.count('created', found.length);
  await settleAll(missing.map((row) => createOne(chunk, row)));
}

/** The chunk's facilities DIGIT holds, by name key: found by client reference, matching the row. */
async function findFacilities(
  chunk: StepChunk,
  rows: readonly FacilityEntity[],
): Promise<Map<string, string>> {
  const { digit, requestInfo, campaign } = chunk;
  const byReference = new Map(rows.map((row) => [facilityReference(campaign.id, row.nameKey), row]));
  const facilities = await searchFacilitiesByReference(digit, requestInfo, campaign.tenantId, [
    ...byReference.keys(),
  ]);
  const found = new Map<string, string>();
  for (const facility of facilities) {
    const row = byReference.get(facility.clientReferenceId ?? '');
    if (row && isSameFacility(row, facility)) found.set(row.nameKey, facility.id);
  }
  return found;
}

/** One facility through the single create: its refusal fails the chunk with DIGIT's reason. */
async function createOne(chunk: StepChunk, row: StoredFacility): Promise<void> {
  const { campaign, digit, requestInfo, config } = chunk;
  const { created, adopted } = await createOnce({
    what: `facility ${row.name}`,
    items: [row],
    key: (item) => item.nameKey,
    consistencyMs: config.DIGIT_SEARCH_CONSISTENCY_MS,
    create: async ([item]) => {
      if (!item) return new Map();
      const facility = await sendStamped(
        () =>
          chunk.db.query(
            'UPDATE campaign_facility SET attempted_at = now() WHERE campaign_id = $1 AND name_key = $2',
            [campaign.id, item.nameKey],
          ),
        () => createFacility(digit, requestInfo, facilityPayload(campaign, item)),
        config.DIGIT_ATTEMPT_STAMP_MAX_AGE_MS,
      );
      return new Map([[item.nameKey, facility.id]]);
    },
    search: (items) => findFacilities(chunk, items),
    onUnknown: (error) =>
      chunk.logger.warn({ err: error, facility: row.name }, 'facility create outcome unknown, searching'),
  });
  const ids = new Map([...created, ...adopted].map(([item, id]) => [item.nameKey, id]));
  await record(chunk, [row], ids);
  if (created.length > 0) chunk.count('created', created.length);
  if (adopted.length > 0) chunk.count('adopted', adopted.length);
}

async function record(
  chunk: StepChunk,
  rows: readonly FacilityEntity[],
  idOf: ReadonlyMap<string, string>,
): Promise<void> {
  const done = rows.filter((row) => idOf.has(row.nameKey));
  if (done.length === 0) return;
  await chunk.db.query(
    `UPDATE campaign_facility f SET facility_id = v.facility_id, done = true
     FROM unnest($3::text[], $4::text[]) AS v(name_key, facility_id)
     WHERE f.campaign_id = $1 AND f.chunk = $2 AND f.name_key = v.name_key`,
    [
      chunk.campaign.id,
      chunk.command.chunk.index,
      done.map((row) => row.nameKey),
      done.map((row) => idOf.get(row.nameKey) as string),
    ],
  );
}
