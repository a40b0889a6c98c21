import {
  BULK_BATCH_MAX_BYTES,
  bulkBatches,
  savedEmployee,
  DigitError,
  StepFailure,
  createEmployees,
  createOnce,
  employeeUserUuid,
  sealPassword,
  searchEmployeesByCodes,
  searchEmployeesByPhone,
  sendStamped,
  userNameOf,
  settleAll,
  waitForConsistency,
  employeePayload,
  SIZING_PASSWORD,
  type AnsweredBatchSize,
  type ConcurrencyLimiter,
  type StepChunk,
  type UserEntity,
} from '@campaign-pipeline/shared';
import { generatePassword } from '../domain/passwords.ts';

interface StoredUser extends UserEntity {
  attemptedAt: Date | null;
}

/** HRMS's answers that a phone or user name is taken: by our own earlier write, or by someone else. */
const TAKEN = new Set(['ERR_HRMS_USER_EXIST_MOB', 'ERR_HRMS_USER_EXIST_USERNAME']);

/**
 * Creates the HRMS employees of one chunk in batches. Users whose create may already have happened (an
 * earlier attempt, an answer lost just now) and phones HRMS says exist are looked up by phone and
 * adopted when they are the same person; everyone else is created. A phone that belongs to someone else
 * fails the row with the reason.
 */
export function userCreation(setup: UserCreationSetup): (chunk: StepChunk) => Promise<void> {
  return (chunk) => createUsers(chunk, setup);
}

export interface UserCreationSetup {
  /** The key that seals initial passwords for the credentials workbook; null keeps none. */
  key: Buffer | null;
  /** Employees per HRMS create, from how long HRMS took to answer the process's earlier creates. */
  batchSize: AnsweredBatchSize;
  /**
   * Employees whose HRMS creates are in flight in the process, a place each: HRMS answers with every
   * employee in full, so this bounds what the answers take of memory.
   */
  employeesInFlight: ConcurrencyLimiter;
}

async function createUsers(chunk: StepChunk, setup: UserCreationSetup): Promise<void> {
  const { db, campaign, command, config } = chunk;
  const { rows } = await db.query<StoredUser>(
    `SELECT phone, name, roles, employment_type AS "employmentType", user_name AS "userName",
            boundary_codes AS "boundaryCodes", attempted_at AS "attemptedAt"
     FROM campaign_user WHERE campaign_id = $1 AND chunk = $2 AND NOT done AND action = 'create' ORDER BY phone`,
    [campaign.id, command.chunk.index],
  );
  if (rows.length === 0) return;
  // Each code looked up in the index: for a chunk's thousands of codes PostgreSQL otherwise plans a scan
  // of every boundary of the campaign (70-130 ms a chunk at L, against 11 ms).
  const { rows: types } = await db.query<{ code: string; boundary_type: string }>(
    `SELECT wanted.code, b.boundary_type FROM unnest($2::text[]) AS wanted(code)
     CROSS JOIN LATERAL (
       SELECT boundary_type FROM campaign_boundary WHERE campaign_id = $1 AND code = wanted.code LIMIT 1
     ) AS b`,
    [campaign.id, [...new Set(rows.flatMap((row) => row.boundaryCodes))]],
  );
  const boundaryTypes = new Map(types.map((type) => [type.code, type.boundary_type]));

  const attempted = rows.filter((row) => row.attemptedAt !== null);
  await waitForConsistency(
    attempted.map((row) => row.attemptedAt),
    config,
  );
  const adopted = new Set<string>();
  await settleAll(
    bulkBatches(attempted, config.DIGIT_HRMS_BATCH_SIZE).map(async (batch) => {
      const own = await ownEmployees(chunk, batch);
      await record(chunk, [...own]);
      if (own.size > 0) chunk.count('adopted', own.size);
      for (const phone of own.keys()) adopted.add(phone);
    }),
  );
  // The rows go in shares of at most the employees that may be in flight, each sent when its places are
  // free: its batches are sized then, by what HRMS's answers have shown by that time.
  const unsent = rows.filter((row) => !adopted.has(row.phone));
  const { employeesInFlight } = setup;
  const shares: Promise<void>[] = [];
  for (let start = 0; start < unsent.length; start += employeesInFlight.limit) {
    const share = unsent.slice(start, start + employeesInFlight.limit);
    shares.push(employeesInFlight.run(() => sendShare(chunk, share, boundaryTypes, setup), 0, share.length));
  }
  await settleAll(shares);
}

/** Sends rows in HRMS creates side by side, and settles once each create has settled. */
async function sendShare(
  chunk: StepChunk,
  rows: readonly StoredUser[],
  boundaryTypes: ReadonlyMap<string, string>,
  setup: UserCreationSetup,
): Promise<void> {
  const { campaign } = chunk;
  const sending: Promise<void>[] = [];
  for (let rest = rows; rest.length > 0;) {
    // The rows left go in equal batches of at most the size HRMS's answers allow: the same calls as full
    // batches and a remainder, with less of an answer in hand at once.
    const most = await setup.batchSize.next();
    const items = Math.ceil(rest.length / Math.ceil(rest.length / most));
    // Each request also stays within the 1 MiB of the Kafka message HRMS saves its employees in, sized by
    // the employees as HRMS saves them (the password sent is blanked there, so any stands in for it).
    const [batch = []] = bulkBatches(rest.slice(0, items), items, BULK_BATCH_MAX_BYTES, (row) =>
      savedEmployee(employeePayload(campaign, row, boundaryTypes, SIZING_PASSWORD)),
    );
    rest = rest.slice(batch.length);
    const sent = createBatch(chunk, batch, boundaryTypes, setup);
    // Its failure is reported once every batch is sent, by settleAll.
    sent.catch(() => undefined);
    sending.push(sent);
  }
  await settleAll(sending);
}

async function createBatch(
  chunk: StepChunk,
  batch: StoredUser[],
  boundaryTypes: ReadonlyMap<string, string>,
  setup: UserCreationSetup,
): Promise<void> {
  const { config } = chunk;
  try {
    const { created, adopted } = await createOnce({
      what: 'employees',
      items: batch,
      key: (row) => row.phone,
      consistencyMs: config.DIGIT_SEARCH_CONSISTENCY_MS,
      create: (rows) =>
        setup.batchSize.measure(rows.length, config.DIGIT_TIMEOUT_MS, () =>
          sendEmployees(chunk, rows, boundaryTypes, setup.key),
        ),
      search: (rows) => ownEmployees(chunk, rows),
      onUnknown: (error, phones) =>
        chunk.logger.warn({ err: error, users: phones.length }, 'employee create outcome unknown, searching'),
    });
    await record(
      chunk,
      [...created, ...adopted].map(([row, uuid]) => [row.phone, uuid]),
    );
    if (created.length > 0) chunk.count('created', created.length);
    if (adopted.length > 0) chunk.count('adopted', adopted.length);
  } catch (error) {
    // HRMS refuses a whole batch when one phone or user name is taken, without saying which: the halves
    // go again until each taken row stands alone, and that row is adopted when the employee is its own.
    if (!(error instanceof DigitError && TAKEN.has(error.code))) throw error;
    if (batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      await settleAll(
        [batch.slice(0, half), batch.slice(half)].map((part) =>
          createBatch(chunk, part, boundaryTypes, setup),
        ),
      );
      return;
    }
    const [row] = batch as [StoredUser];
    if (await adopt(chunk, row)) return;
    // HRMS holds the phone but its search does not show it yet: try again later rather than guess.
    throw new StepFailure(
      'USER_EXISTS_NOT_SEARCHABLE',
      `phone ${row.phone} exists in HRMS but is not found by search yet`,
      true,
    );
  }
}

/**
 * Sends one HRMS create of the rows, each with a fresh password, and answers with the user-service uuids
 * HRMS gave them by phone and how long HRMS took.
 */
async function sendEmployees(
  chunk: StepChunk,
  rows: readonly StoredUser[],
  boundaryTypes: ReadonlyMap<string, string>,
  key: Buffer | null,
): Promise<{ value: Map<string, string>; ms: number }> {
  const { db, campaign, digit, requestInfo, config } = chunk;
  const created = rows.map((row) => ({ row, password: generatePassword() }));
  const phones = created.map(({ row }) => row.phone);
  const sealed = created.map(({ password }) => (key ? sealPassword(key, password) : null));
  // The sealed password is written with the attempt stamp, before HRMS may hold it: a user adopted
  // after a lost answer still has the password it was created with.
  // Within the chunk's rows: matched against every user of the campaign, the update took 90 ms
  // for a batch of 500 at L.
  const answer = await sendStamped(
    () =>
      db.query(
        `UPDATE campaign_user SET attempted_at = now(), password_ciphertext = kept.sealed
         FROM unnest($3::text[], $4::text[]) AS kept(phone, sealed)
         WHERE campaign_user.campaign_id = $1 AND campaign_user.chunk = $2 AND campaign_user.phone = kept.phone`,
        [campaign.id, chunk.command.chunk.index, phones, sealed],
      ),
    () =>
      createEmployees(digit, requestInfo, () =>
        created.map(({ row, password }) => employeePayload(campaign, row, boundaryTypes, password)),
      ),
    config.DIGIT_ATTEMPT_STAMP_MAX_AGE_MS,
  );
  const uuids = new Map(
    answer.employees.flatMap((employee) => {
      const uuid = employeeUserUuid(employee);
      return employee.user?.mobileNumber && uuid ? [[employee.user.mobileNumber, uuid] as const] : [];
    }),
  );
  return { value: uuids, ms: answer.ms };
}

/**
 * The employees the pipeline created for the rows, by phone: found in one search by the codes it gives
 * them (their user names), and ours only with the row's phone and name. A row not found here may still
 * have an employee under another code; creating it again then answers "taken", and that row is looked
 * up by phone.
 */
async function ownEmployees(chunk: StepChunk, rows: readonly StoredUser[]): Promise<Map<string, string>> {
  const byCode = new Map(rows.map((row) => [userNameOf(row).toLowerCase(), row]));
  const found = await searchEmployeesByCodes(chunk.digit, chunk.requestInfo, chunk.campaign.tenantId, [
    ...byCode.keys(),
  ]);
  const own = new Map<string, string>();
  for (const employee of found) {
    const row = employee.code ? byCode.get(employee.code.toLowerCase()) : undefined;
    const uuid = employeeUserUuid(employee);
    if (!row || !uuid || employee.user?.mobileNumber !== row.phone) continue;
    const name = employee.user?.name;
    if (name !== undefined && name.trim().toLowerCase() !== row.name.trim().toLowerCase()) continue;
    own.set(row.phone, uuid);
  }
  return own;
}

/**
 * The user-service uuid of the employee HRMS holds for the row's phone, when it is the same person (same
 * name); a phone held by someone else is a conflict no retry resolves.
 */
async function ownEmployee(chunk: StepChunk, row: StoredUser): Promise<string | undefined> {
  const found = await searchEmployeesByPhone(
    chunk.digit,
    chunk.requestInfo,
    chunk.campaign.tenantId,
    row.phone,
  );
  const employee = found.find((candidate) => employeeUserUuid(candidate) !== undefined);
  if (!employee) return undefined;
  const name = employee.user?.name;
  if (name !== undefined && name.trim().toLowerCase() !== row.name.trim().toLowerCase()) {
    throw new StepFailure(
      'USER_PHONE_TAKEN',
      `phone ${row.phone} belongs to HRMS user "${name}", not to "${row.name}"`,
    );
  }
  return employeeUserUuid(employee);
}

/**
 * Adopts the employee HRMS holds for the row's phone, if any and if it is the same person. One HRMS
 * refused as taken was not created with the password just kept, so that password is forgotten.
 */
async function adopt(chunk: StepChunk, row: StoredUser): Promise<boolean> {
  const uuid = await ownEmployee(chunk, row);
  if (!uuid) return false;
  await chunk.db.query(
    'UPDATE campaign_user SET password_ciphertext = NULL WHERE campaign_id = $1 AND phone = $2',
    [chunk.campaign.id, row.phone],
  );
  await record(chunk, [[row.phone, uuid]]);
  chunk.count('adopted');
  return true;
}

/** Marks users created or adopted, with their user-service uuids, in one statement. */
async function record(chunk: StepChunk, users: readonly [phone: string, uuid: string][]): Promise<void> {
  if (users.length === 0) return;
  await chunk.db.query(
    `UPDATE campaign_user u SET user_service_uuid = v.uuid, done = true
     FROM unnest($3::text[], $4::text[]) AS v(phone, uuid)
     WHERE u.campaign_id = $1 AND u.chunk = $2 AND u.phone = v.phone`,
    [
      chunk.campaign.id,
      chunk.command.chunk.index,
      users.map(([phone]) => phone),
      users.map(([, uuid]) => uuid),
    ],
  );
}
