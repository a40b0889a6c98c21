import { sleep } from '../retry/backoff.ts';

/**
 * DIGIT's search lags behind its create. Before searching for rows whose write may have happened
 * (attempted_at set), wait until the newest such write is older than the consistency window, so a
 * search that finds nothing really means nothing was created.
 */
export async function waitForConsistency(
  attemptedAt: readonly (Date | null)[],
  windowMs: number,
): Promise<void> {
  const wait = consistencyLeft(attemptedAt, windowMs);
  if (wait > 0) await sleep(wait);
}

/** How much of DIGIT's consistency window is left after the newest of these writes (0 without any). */
export function consistencyLeft(attemptedAt: readonly (Date | null)[], windowMs: number): number {
  const newest = Math.max(0, ...attemptedAt.map((at) => at?.getTime() ?? 0));
  return newest === 0 ? 0 : Math.max(0, newest + windowMs - Date.now());
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
