/**
 * Below this many projects a call, spreading a level saves little time against the calls it adds to
 * DIGIT's load: a call's fixed part (about 20 ms) is then a large share of it. While the top levels are
 * created every other chunk of the step waits, so a level of a few hundred is worth spreading: in the M
 * bench the 200 projects of the fourth level went out as one call of about 220 ms; as four of 50 the
 * top-levels chunk ended 160 ms sooner, for three more calls.
 */
export const MIN_SPREAD_PROJECTS = 50;

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
