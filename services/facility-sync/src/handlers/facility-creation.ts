import {
  createFacility,
  searchFacilitiesByName,
  settleAll,
  waitForConsistency,
  type StepChunk,
} from '@campaign-pipeline/shared';
import { facilityPayload, isSameFacility, type FacilityEntity } from '../domain/facility-payload.ts';

interface StoredFacility extends FacilityEntity {
  attemptedAt: Date | null;
}

/**
 * Creates the facilities of one chunk, concurrently up to the facility service's limit. A facility whose
 * create may already have happened is looked up by name and adopted when status, type and capacity match.
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

async function syncFacility(chunk: StepChunk, row: StoredFacility): Promise<void> {
  const { db, campaign, digit, requestInfo } = chunk;
  if (row.attemptedAt) {
    const existing = (await searchFacilitiesByName(digit, requestInfo, campaign.tenantId, row.name)).find(
      (facility) => isSameFacility(row, facility),
    );
    if (existing) {
      await record(chunk, row, existing.id);
      chunk.count('adopted');
      return;
    }
  }
  await chunk.ensureStillCreating();
  await db.query(
    'UPDATE campaign_facility SET attempted_at = now() WHERE campaign_id = $1 AND name_key = $2',
    [campaign.id, row.nameKey],
  );
  const created = await createFacility(digit, requestInfo, facilityPayload(campaign, row));
  await record(chunk, row, created.id);
  chunk.count('created');
}

async function record(chunk: StepChunk, row: FacilityEntity, facilityId: string): Promise<void> {
  await chunk.db.query(
    'UPDATE campaign_facility SET facility_id = $3, done = true WHERE campaign_id = $1 AND name_key = $2',
    [chunk.campaign.id, row.nameKey, facilityId],
  );
}
