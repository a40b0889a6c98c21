/**
 * One step of a campaign as the status service's progress answers it (`POST /project-factory/v1/project-type/progress`):
 * the service writes it, the command-line client, the demo and the benchmarks read it.
 */
export interface StepProgress {
  step: string;
  status: string;
  attempt: number;
  /** Highest attempt of any chunk: above 1 when chunks were retried automatically. */
  chunkAttempts: number;
  chunks: {
    total: number;
    completed: number;
    dispatched: number;
    failed: number;
    pending: number;
    skipped: number;
  };
  counts: Record<string, number>;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  /** Why the step failed, as the orchestrator recorded it (its code and message, and what else it knew). */
  lastError: StepFailureDetail | null;
  /** Set while the step has made no progress for the stall time: which worker has not answered, since when. */
  stalled: { waitingOn: string; since: string; silentForMs: number } | null;
}

export interface StepFailureDetail {
  code?: string;
  message?: string;
  [detail: string]: unknown;
}
