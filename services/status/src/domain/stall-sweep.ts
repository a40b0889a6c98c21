import {
  PARALLEL_FLOW,
  findCampaign,
  inTransaction,
  resendSilentChunks,
  type Database,
  type Logger,
  type PipelineMetrics,
  type StepName,
} from '@campaign-pipeline/shared';
import type pg from 'pg';
import { findStalls, type StepActivity, type StepStall } from './stall.ts';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** Started steps of creating campaigns (all, or one) with the time each last changed. */
export async function startedStepActivity(db: Queryable, campaignId?: string): Promise<StepActivity[]> {
  const { rows } = await db.query<{ campaign_id: string; flow: string; step: string; last_activity: Date }>(
    `SELECT s.campaign_id, ca.flow, s.step,
            greatest(s.updated_at, max(c.dispatched_at), max(c.finished_at)) AS last_activity
     FROM campaign_step s
     JOIN campaign ca ON ca.id = s.campaign_id AND ca.status = 'creating'
     LEFT JOIN campaign_step_chunk c ON c.campaign_id = s.campaign_id AND c.step = s.step
     WHERE s.status = 'started' AND ($1::uuid IS NULL OR s.campaign_id = $1)
     GROUP BY s.campaign_id, ca.flow, s.step, s.updated_at`,
    [campaignId ?? null],
  );
  return rows.map((row) => ({
    campaignId: row.campaign_id,
    flow: row.flow,
    step: row.step,
    lastActivityAt: row.last_activity,
  }));
}

/**
 * Looks for stalled steps: sets campaign_steps_stalled per step and worker, logs each stall once, naming
 * the worker that has not answered, and sends the commands of the step's unanswered chunks again
 * (resendSilentChunks), so that a command or answer lost on the way does not hold the campaign for ever.
 * The resent commands are committed to the outbox; `onResend` wakes its relay.
 */
export class StallSweep {
  readonly #db: Database;
  readonly #metrics: PipelineMetrics;
  readonly #logger: Logger;
  readonly #stallAfterMs: number;
  readonly #onResend: () => void;
  #reported = new Set<string>();

  constructor(parts: {
    db: Database;
    metrics: PipelineMetrics;
    logger: Logger;
    stallAfterMs: number;
    onResend?: () => void;
  }) {
    this.#db = parts.db;
    this.#metrics = parts.metrics;
    this.#logger = parts.logger;
    this.#stallAfterMs = parts.stallAfterMs;
    this.#onResend = parts.onResend ?? (() => undefined);
    // Every step's series exists from the start, so that its increase counts the first resend.
    for (const { step, worker } of PARALLEL_FLOW) this.#metrics.chunkCommandsResent.inc({ step, worker }, 0);
  }

  async run(now = new Date()): Promise<StepStall[]> {
    const stalls = findStalls(await startedStepActivity(this.#db), now, this.#stallAfterMs);
    // Every step's series exists, at 0 when nothing is stalled, so alerts and dashboards see it.
    for (const { step, worker } of PARALLEL_FLOW) this.#metrics.stepsStalled.set({ step, worker }, 0);
    for (const stall of stalls) this.#metrics.stepsStalled.inc({ step: stall.step, worker: stall.waitingOn });
    const current = new Set<string>();
    for (const stall of stalls) {
      const key = `${stall.campaignId}:${stall.step}`;
      current.add(key);
      if (this.#reported.has(key)) continue;
      this.#logger.warn(
        {
          campaignId: stall.campaignId,
          step: stall.step,
          waitingOn: stall.waitingOn,
          silentForMs: stall.silentForMs,
        },
        `step stalled: ${stall.waitingOn} has not answered for ${Math.round(stall.silentForMs / 1000)} s`,
      );
    }
    this.#reported = current;
    for (const stall of stalls) await this.#resend(stall);
    return stalls;
  }

  async #resend(stall: StepStall): Promise<void> {
    const chunks = await inTransaction(this.#db, async (tx) => {
      const campaign = await findCampaign(tx, stall.campaignId, { lock: true });
      if (campaign?.status !== 'creating') return [];
      return resendSilentChunks(tx, campaign, stall.step as StepName, this.#stallAfterMs);
    });
    if (chunks.length === 0) return;
    this.#metrics.chunkCommandsResent.inc({ step: stall.step, worker: stall.waitingOn }, chunks.length);
    this.#logger.warn(
      { campaignId: stall.campaignId, step: stall.step, waitingOn: stall.waitingOn, chunks },
      `step stalled: sent the commands of ${chunks.length} unanswered chunks to ${stall.waitingOn} again`,
    );
    this.#onResend();
  }
}
