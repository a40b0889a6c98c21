import type { Logger, RunObserver } from '@campaign-pipeline/shared';

/** Log lines held until the transaction that made them true commits. */
export type HeldLines = (() => void)[];

/**
 * The run's observer for one step event that also says in the log, with the event's campaign id, each
 * step and campaign the event finished: an operator follows a campaign step by step in status's log, not
 * only chunk by chunk in the workers'. The lines are held in `held` until the transaction commits: a
 * rolled-back batch of events finished nothing, and is applied (and said) again.
 */
export function loggingObserver(inner: RunObserver, logger: Logger, held: HeldLines): RunObserver {
  const seconds = (value: number) => Math.round(value * 1000) / 1000;
  return {
    commandsDispatched: (step, count) => inner.commandsDispatched(step, count),
    chunkFinished: (step, outcome) => inner.chunkFinished(step, outcome),
    stepFinished: (step, outcome, took) => {
      inner.stepFinished(step, outcome, took);
      held.push(() => logger.info({ finished: step, outcome, seconds: seconds(took) }, 'step finished'));
    },
    campaignFinished: (outcome, took) => {
      inner.campaignFinished(outcome, took);
      held.push(() => logger.info({ outcome, seconds: seconds(took) }, 'campaign finished'));
    },
  };
}
