import {
  DigitError,
  StepFailure,
  createEmployees,
  employeeUserUuid,
  searchEmployeesByPhone,
  settleAll,
  waitForConsistency,
  type StepChunk,
} from '@campaign-pipeline/shared';
import { employeePayload, type UserEntity } from '../domain/employee-payload.ts';

const CREATE_BATCH = 25;

interface StoredUser extends UserEntity {
  attemptedAt: Date | null;
}

/**
 * Creates the HRMS employees of one chunk in batches. Users whose create may already have happened, and
 * phones HRMS says exist, are looked up by phone and adopted; everyone else is created.
 */
export async function userCreation(chunk: StepChunk): Promise<void> {
  const { db, campaign, command, config } = chunk;
  const { rows } = await db.query<StoredUser>(
    `SELECT phone, name, roles, employment_type AS "employmentType", user_name AS "userName",
            boundary_codes AS "boundaryCodes", attempted_at AS "attemptedAt"
     FROM campaign_user WHERE campaign_id = $1 AND chunk = $2 AND NOT done AND action = 'create' ORDER BY phone`,
    [campaign.id, command.chunk.index],
  );
  if (rows.length === 0) return;
  const { rows: types } = await db.query<{ code: string; boundary_type: string }>(
    `SELECT code, boundary_type FROM campaign_boundary WHERE campaign_id = $1 AND code = ANY($2::text[])`,
    [campaign.id, [...new Set(rows.flatMap((row) => row.boundaryCodes))]],
  );
  const boundaryTypes = new Map(types.map((type) => [type.code, type.boundary_type]));

  const attempted = rows.filter((row) => row.attemptedAt !== null);
  await waitForConsistency(
    attempted.map((row) => row.attemptedAt),
    config.DIGIT_SEARCH_CONSISTENCY_MS,
  );
  const adopted = new Set<string>();
  await settleAll(
    attempted.map(async (row) => {
      if (await adopt(chunk, row.phone)) adopted.add(row.phone);
    }),
  );
  const pending = rows.filter((row) => !adopted.has(row.phone));
  const batches: StoredUser[][] = [];
  for (let start = 0; start < pending.length; start += CREATE_BATCH)
    batches.push(pending.slice(start, start + CREATE_BATCH));
  await settleAll(batches.map((batch) => createBatch(chunk, batch, boundaryTypes)));
}

async function createBatch(
  chunk: StepChunk,
  batch: StoredUser[],
  boundaryTypes: ReadonlyMap<string, string>,
): Promise<void> {
  const { db, campaign, digit, requestInfo } = chunk;
  await chunk.ensureStillCreating();
  await db.query(
    'UPDATE campaign_user SET attempted_at = now() WHERE campaign_id = $1 AND phone = ANY($2::text[])',
    [campaign.id, batch.map((row) => row.phone)],
  );
  try {
    const created = await createEmployees(
      digit,
      requestInfo,
      batch.map((row) => employeePayload(campaign, row, boundaryTypes)),
    );
    const byPhone = new Map(
      created.map((employee) => [employee.user?.mobileNumber, employeeUserUuid(employee)]),
    );
    for (const row of batch) {
      const uuid = byPhone.get(row.phone);
      if (!uuid)
        throw new StepFailure(
          'USER_CREATE_INCOMPLETE',
          `HRMS answered without the user of phone ${row.phone}`,
          true,
        );
      await record(chunk, row.phone, uuid);
    }
    chunk.count('created', batch.length);
  } catch (error) {
    // HRMS rejects a whole batch when one phone exists: adopt the existing ones, create the others one by one.
    if (!(error instanceof DigitError && error.code === 'ERR_HRMS_USER_EXIST_MOB')) throw error;
    if (batch.length === 1) {
      // HRMS holds the phone but its search does not show it yet: try again later rather than guess.
      throw new StepFailure(
        'USER_EXISTS_NOT_SEARCHABLE',
        `phone ${batch[0]?.phone} exists in HRMS but is not found by search yet`,
        true,
      );
    }
    for (const row of batch) {
      if (await adopt(chunk, row.phone)) continue;
      await createBatch(chunk, [row], boundaryTypes);
    }
  }
}

/** Adopts the employee HRMS holds for the phone, if any. */
async function adopt(chunk: StepChunk, phone: string): Promise<boolean> {
  const found = await searchEmployeesByPhone(chunk.digit, chunk.requestInfo, chunk.campaign.tenantId, phone);
  const uuid = found.map(employeeUserUuid).find((value): value is string => value !== undefined);
  if (!uuid) return false;
  await record(chunk, phone, uuid);
  chunk.count('adopted');
  return true;
}

async function record(chunk: StepChunk, phone: string, uuid: string): Promise<void> {
  await chunk.db.query(
    'UPDATE campaign_user SET user_service_uuid = $3, done = true WHERE campaign_id = $1 AND phone = $2',
    [chunk.campaign.id, phone, uuid],
  );
}
