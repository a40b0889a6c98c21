import {
  createFacility,
  createOnce,
  searchFacilitiesByName,
  settleAll,
  waitForConsistency,
  type DigitFacility,
  type StepChunk,
} from '@campaign-pipeline/shared';
import { facilityPayload, isSameFacility, type FacilityEntity } from '../domain/facility-payload.ts';

interface StoredFacility extends FacilityEntity {
  attemptedAt: Date | null;
}

/**
 * Creates the facilities of one chunk, concurrently up to the facility service's limit. A facility whose
 * create may already have happened (an earlier attempt, or an answer lost just now) is looked up by name
 * and adopted when status, type and capacity match; only a facility not found is created again.
 */
export async function facilityCreation(chunk: StepChunk): Promise<void> {
  const { db, campaign, command, config } = chunk;
  const { rows } = await db.query<StoredFacility>(
    `SELECT name_key AS "nameKey", name, facility_type AS "facilityType", facility_status AS "facilityStatus",
            capacity::int AS capacity, boundary_codes AS "boundaryCodes", attempted_at AS "attemptedAt"
     FROM campaign_facility WHERE campaign_id = $1 AND chunk = $2 AND NOT done AND action = 'create' ORDER BY name_key`,
    [campaign.id, command.chunk.index],
  );
  await waitForConsistency(
    rows.map((row) => row.attemptedAt),
    config.DIGIT_SEARCH_CONSISTENCY_MS,
  );
  await settleAll(rows.map((row) => syncFacility(chunk, row)));
}

/** The facility DIGIT holds for the row: same name, status, type and capacity. */
async function findFacility(chunk: StepChunk, row: FacilityEntity): Promise<DigitFacility | undefined> {
  const { digit, requestInfo, campaign } = chunk;
  return (await searchFacilitiesByName(digit, requestInfo, campaign.tenantId, row.name)).find((facility) =>
    isSameFacility(row, facility),
  );
}

async function syncFacility(chunk: StepChunk, row: StoredFacility): Promise<void> {
  const { db, campaign, digit, requestInfo, config } = chunk;
  if (row.attemptedAt) {
    const existing = await findFacility(chunk, row);
    if (existing) {
      await record(chunk, row, existing.id);
      chunk.count('adopted');
      return;
    }
  }
  const { created, adopted } = await createOnce({
    what: `facility ${row.name}`,
    items: [row],
    key: (item) => item.nameKey,
    consistencyMs: config.DIGIT_SEARCH_CONSISTENCY_MS,
    create: async ([item]) => {
      if (!item) return new Map();
      await chunk.ensureStillCreating();
      await db.query(
        'UPDATE campaign_facility SET attempted_at = now() WHERE campaign_id = $1 AND name_key = $2',
        [campaign.id, item.nameKey],
      );
      const facility = await createFacility(digit, requestInfo, facilityPayload(campaign, item));
      return new Map([[item.nameKey, facility.id]]);
    },
    search: async ([item]) => {
      const found = item ? await findFacility(chunk, item) : undefined;
      return found && item ? new Map([[item.nameKey, found.id]]) : new Map();
    },
    onUnknown: (error) =>
      chunk.logger.warn({ err: error, facility: row.name }, 'facility create outcome unknown, searching'),
  });
  for (const [item, id] of [...created, ...adopted]) await record(chunk, item, id);
  if (created.length > 0) chunk.count('created', created.length);
  if (adopted.length > 0) chunk.count('adopted', adopted.length);
}

async function record(chunk: StepChunk, row: FacilityEntity, facilityId: string): Promise<void> {
  await chunk.db.query(
    'UPDATE campaign_facility SET facility_id = $3, done = true WHERE campaign_id = $1 AND name_key = $2',
    [chunk.campaign.id, row.nameKey, facilityId],
  );
}
