import {
  PARALLEL_FLOW,
  flowOf,
  followedStep,
  type StepName,
  type WorkerName,
} from '@campaign-pipeline/shared';

/** When a started step last changed: the step row itself, or any of its chunks dispatched or finished. */
export interface StepActivity {
  campaignId: string;
  /** The campaign's flow, which says which step a step follows. */
  flow: string;
  step: string;
  lastActivityAt: Date;
}

export interface StepStall {
  campaignId: string;
  step: string;
  /** The worker whose answer the step waits for. */
  waitingOn: WorkerName;
  since: Date;
  silentForMs: number;
}

/** The worker that runs a step: the same in every flow, only the order of steps differs. */
export function workerOfStep(step: string): WorkerName | undefined {
  return PARALLEL_FLOW.find((entry) => entry.step === (step as StepName))?.worker;
}

/**
 * A started step of a creating campaign is stalled when nothing about it has changed for `stallAfterMs`:
 * no chunk dispatched or answered. Callers pass only started steps of creating campaigns.
 */
export function findStalls(activity: readonly StepActivity[], now: Date, stallAfterMs: number): StepStall[] {
  const activityOf = new Map(activity.map((entry) => [`${entry.campaignId}:${entry.step}`, entry]));
  return activity.flatMap((entry) => {
    const since = lastActivity(entry, activityOf);
    const silentForMs = now.getTime() - since.getTime();
    const waitingOn = workerOfStep(entry.step);
    if (silentForMs < stallAfterMs || !waitingOn) return [];
    return [{ campaignId: entry.campaignId, step: entry.step, waitingOn, since, silentForMs }];
  });
}

/**
 * A step that follows another still started waits for that step's chunks: while they move, it is not
 * stalled, however long its own chunks wait.
 */
function lastActivity(entry: StepActivity, activityOf: ReadonlyMap<string, StepActivity>): Date {
  const followed = followedStep(flowOf(entry), entry.step as StepName);
  const followedActivity = followed ? activityOf.get(`${entry.campaignId}:${followed}`) : undefined;
  return followedActivity && followedActivity.lastActivityAt > entry.lastActivityAt
    ? followedActivity.lastActivityAt
    : entry.lastActivityAt;
}
