/**
 * Below this many projects a call, spreading a level saves little time against the calls it adds to
 * DIGIT's load: the 1,000 districts' children of a large campaign go out as four calls, not eight.
 */
export const MIN_SPREAD_PROJECTS = 250;

export interface LevelBatching {
  /** Levels of the boundary tree the chunk holds. */
  chunkLevels: number;
  /** Projects one create may carry (DIGIT_BULK_BATCH_SIZE). */
  maxProjects: number;
  /** Calls the project service takes at once (its DIGIT concurrency). */
  concurrentCalls: number;
}

/**
 * Projects per create for one level of a chunk. A chunk of several levels holds the top of the tree,
 * which every other chunk of the step waits for while the project service has nothing else of the
 * campaign to do: each level is spread over the service's concurrent calls, none below
 * MIN_SPREAD_PROJECTS. A chunk of one level runs beside the step's other chunks, which keep the other
 * calls busy: its level goes out in the fewest calls.
 */
export function levelBatchSize(levelProjects: number, batching: LevelBatching): number {
  if (batching.chunkLevels <= 1) return batching.maxProjects;
  const spread = Math.ceil(levelProjects / batching.concurrentCalls);
  return Math.min(batching.maxProjects, Math.max(spread, MIN_SPREAD_PROJECTS));
}
