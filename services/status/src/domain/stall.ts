import { PARALLEL_FLOW, type StepName, type WorkerName } from '@campaign-pipeline/shared';

/** When a started step last changed: the step row itself, or any of its chunks dispatched or finished. */
export interface StepActivity {
  campaignId: string;
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
  return activity.flatMap((entry) => {
    const silentForMs = now.getTime() - entry.lastActivityAt.getTime();
    const waitingOn = workerOfStep(entry.step);
    if (silentForMs < stallAfterMs || !waitingOn) return [];
    return [
      {
        campaignId: entry.campaignId,
        step: entry.step,
        waitingOn,
        since: entry.lastActivityAt,
        silentForMs,
      },
    ];
  });
}
