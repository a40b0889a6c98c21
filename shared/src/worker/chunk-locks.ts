import type { SessionLock, SessionLocks } from '../db/session-locks.ts';
import { sleep } from '../retry/backoff.ts';

/**
 * One run of a chunk at a time across every process: a session lock per chunk, `(campaign:step, chunk)`,
 * on the process's lock connection, so chunks running side by side keep the pool for their queries (a
 * pooled connection per lock starved it). A chunk another run holds is waited for by polling: waiting on
 * the shared connection would block every other lock. When the connection breaks, PostgreSQL frees the
 * lock and the run that held it sees `held` turn false.
 */
export async function takeChunkLock(
  locks: SessionLocks,
  chunk: { campaignId: string; step: string; index: number },
  signal?: AbortSignal,
): Promise<SessionLock> {
  const space = `chunk:${chunk.campaignId}:${chunk.step}`;
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    const lock = await locks.tryTake(space, [chunk.index]);
    if (lock) return lock;
    await sleep(delay, signal);
  }
}
