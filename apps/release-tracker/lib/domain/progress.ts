import type { StepStatus } from '../db/schema';

export interface Progress {
  total: number;
  done: number;
  skipped: number;
  pending: number;
  reverted: number;
  /** Share of steps that need nothing more (done or skipped), 0–100; 0 when there are no steps. */
  percentage: number;
}

export function calculateProgress(statuses: readonly StepStatus[]): Progress {
  const count = (status: StepStatus) => statuses.filter((s) => s === status).length;
  const total = statuses.length;
  const done = count('done');
  const skipped = count('skipped');
  return {
    total,
    done,
    skipped,
    pending: count('pending'),
    reverted: count('reverted'),
    percentage: total === 0 ? 0 : Math.round(((done + skipped) / total) * 100),
  };
}
