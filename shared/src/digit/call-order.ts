import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The order in which a process's calls to a DIGIT service get call slots when several wait: a chunk's
 * calls go by its number, so that the chunks in hand are finished in the order of their numbers. A
 * chunk's later calls (the search after its create) then go before the creates of the chunks numbered
 * after it, and it makes room for the next chunk instead of waiting behind every create in hand.
 */
const places = new AsyncLocalStorage<number>();

/** Runs `work` with its DIGIT calls at `place` in the order: after those of lower places. */
export function withCallOrder<T>(place: number, work: () => Promise<T>): Promise<T> {
  return places.run(place, work);
}

/** The place of the work running now; 0 (first) outside any. */
export function currentCallOrder(): number {
  return places.getStore() ?? 0;
}
