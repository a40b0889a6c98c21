import { STEPS, type StepProgress } from '@campaign-pipeline/shared';
import type pg from 'pg';
import { startedStepActivity } from './stall-sweep.ts';
import { findStalls } from './stall.ts';

type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * Per step: status, attempt, chunk counters, row counts of the settled chunks, timings, last error, and
 * whether it has stalled.
 */
export async function campaignProgress(
  db: Queryable,
  campaign: { id: string; status: string },
  stallAfterMs: number,
): Promise<StepProgress[]> {
  const campaignId = campaign.id;
  const stalls =
    campaign.status === 'creating'
      ? findStalls(await startedStepActivity(db, campaignId), new Date(), stallAfterMs)
      : [];
  const { rows } = await db.query<
    Pick<StepProgress, 'step' | 'status' | 'attempt'> &
      StepProgress['chunks'] & {
        chunk_attempts: number;
        started_at: Date | null;
        finished_at: Date | null;
        last_error: StepProgress['lastError'];
        counts: Record<string, number> | null;
      }
  >(
    `SELECT s.step, s.status, s.attempt, s.started_at, s.finished_at, s.last_error,
            coalesce(max(c.attempt), 0)::int AS chunk_attempts,
            count(c.chunk)::int AS total,
            count(c.chunk) FILTER (WHERE c.status = 'completed')::int AS completed,
            count(c.chunk) FILTER (WHERE c.status = 'dispatched')::int AS dispatched,
            count(c.chunk) FILTER (WHERE c.status = 'failed')::int AS failed,
            count(c.chunk) FILTER (WHERE c.status = 'pending')::int AS pending,
            count(c.chunk) FILTER (WHERE c.status = 'skipped')::int AS skipped,
            (SELECT jsonb_object_agg(key, total) FROM (
               SELECT key, sum(value::int) AS total FROM campaign_step_chunk c2, jsonb_each_text(c2.counts)
               WHERE c2.campaign_id = s.campaign_id AND c2.step = s.step AND c2.status = 'completed' GROUP BY key) t
            ) AS counts
     FROM campaign_step s LEFT JOIN campaign_step_chunk c ON c.campaign_id = s.campaign_id AND c.step = s.step
     WHERE s.campaign_id = $1
     GROUP BY s.campaign_id, s.step, s.status, s.attempt, s.started_at, s.finished_at, s.last_error
     ORDER BY array_position($2::text[], s.step)`,
    [campaignId, STEPS],
  );
  return rows.map((row) => ({
    step: row.step,
    status: row.status,
    attempt: row.attempt,
    chunkAttempts: row.chunk_attempts,
    chunks: {
      total: row.total,
      completed: row.completed,
      dispatched: row.dispatched,
      failed: row.failed,
      pending: row.pending,
      skipped: row.skipped,
    },
    counts: row.counts ?? {},
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    durationMs:
      row.started_at && row.finished_at ? row.finished_at.getTime() - row.started_at.getTime() : null,
    lastError: row.last_error,
    stalled: stallOf(row.step),
  }));
  function stallOf(step: string): StepProgress['stalled'] {
    const stall = stalls.find((candidate) => candidate.step === step);
    return stall
      ? { waitingOn: stall.waitingOn, since: stall.since.toISOString(), silentForMs: stall.silentForMs }
      : null;
  }
}
