import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A check that runs right before each DIGIT write is sent, once the write holds its call slot: a write may
 * wait for a slot (the process's limit, the deployment's budget) for longer than it takes to cancel a
 * campaign, so a check made before that wait does not keep a cancelled campaign from being written to.
 * Set for the work of a chunk (`withWriteGuard`), read by the DIGIT client.
 */
export type WriteGuard = () => Promise<void>;

const guards = new AsyncLocalStorage<WriteGuard>();

/**
 * Runs `work` with `guard` checked before every DIGIT write it sends; a guard that throws stops the write.
 * Inside the work of another guard (a write of a chunk), that one is checked first, then this one.
 */
export function withWriteGuard<T>(guard: WriteGuard, work: () => Promise<T>): Promise<T> {
  const outer = guards.getStore();
  const checks: WriteGuard = outer
    ? async () => {
        await outer();
        await guard();
      }
    : guard;
  return guards.run(checks, work);
}

/** The guard of the work running now, if any. */
export function currentWriteGuard(): WriteGuard | undefined {
  return guards.getStore();
}
