import { withWriteGuard } from '../digit/write-guard.ts';
import { sleep, sleepUntil } from '../retry/backoff.ts';

/** The settings that bound how long after its rows were stamped a write may take to show in DIGIT's search. */
export interface WriteVisibility {
  /** How long a DIGIT call is waited for. */
  DIGIT_TIMEOUT_MS: number;
  /** How long DIGIT's search may lag behind a write (persister lag, a write applied after its timeout). */
  DIGIT_SEARCH_CONSISTENCY_MS: number;
  /** How old its rows' attempt stamp may be when a write is sent (see `sendStamped`). */
  DIGIT_ATTEMPT_STAMP_MAX_AGE_MS: number;
}

/**
 * How long after its rows were stamped (attempted_at) a write may still show up in a search. The write is
 * sent at most the stamp's maximum age later; the process that sends it waits for its answer until the
 * timeout, and after an unknown outcome searches until the consistency window has passed. A chunk retried
 * after that process died must wait as long in total, or it could search before a write applied late
 * shows, and create it again.
 */
export function writeVisibleWithinMs(settings: WriteVisibility): number {
  return (
    settings.DIGIT_ATTEMPT_STAMP_MAX_AGE_MS + settings.DIGIT_TIMEOUT_MS + settings.DIGIT_SEARCH_CONSISTENCY_MS
  );
}

/**
 * Stamps a write's rows as attempted (`stamp` sets their attempted_at), then runs the write, whose
 * calls may wait for a call slot for seconds. Once a call holds its slot, right before each attempt is
 * sent, the rows are stamped again when their stamp is older than `maxAgeMs`: a write is always sent
 * within that time of its rows' attempted_at, which is what a retry's window counts from.
 */
export async function sendStamped<T>(
  stamp: () => Promise<unknown>,
  write: () => Promise<T>,
  maxAgeMs: number,
): Promise<T> {
  // Taken before the statement: the stamp PostgreSQL stores is not older than this.
  let stampedAt = performance.now();
  await stamp();
  return withWriteGuard(async () => {
    if (performance.now() - stampedAt <= maxAgeMs) return;
    stampedAt = performance.now();
    await stamp();
  }, write);
}

/**
 * Before searching for rows whose write may have happened (attempted_at set), waits until the newest such
 * write can no longer show up later, so a search that finds nothing really means nothing was created.
 */
export async function waitForConsistency(
  attemptedAt: readonly (Date | null)[],
  settings: WriteVisibility,
): Promise<void> {
  await sleepUntil(Date.now() + consistencyLeft(attemptedAt, settings));
}

/** How long the newest of these writes may still take to show in a search (0 without any). */
export function consistencyLeft(attemptedAt: readonly (Date | null)[], settings: WriteVisibility): number {
  // A reduce: a chunk's rows (up to CHUNK_SIZE) are too many to spread into Math.max's arguments.
  const newest = attemptedAt.reduce((latest, at) => Math.max(latest, at?.getTime() ?? 0), 0);
  return newest === 0 ? 0 : Math.max(0, newest + writeVisibleWithinMs(settings) - Date.now());
}

/**
 * Runs `attempt` again while it fails with an error `isTransient` accepts, for at most `windowMs` in
 * total: DIGIT rejects references to entities it has created but not yet persisted (a parent project,
 * a project of a mapping) until its persister catches up.
 */
export async function retryWhileNotPersisted<T>(
  attempt: () => Promise<T>,
  isTransient: (error: unknown) => boolean,
  windowMs: number,
): Promise<T> {
  const deadline = Date.now() + windowMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransient(error) || Date.now() + delay > deadline) throw error;
      await sleep(delay);
    }
  }
}

/** Waits for every row's work to finish, then throws the first failure: no work is left running. */
export async function settleAll(work: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
}
