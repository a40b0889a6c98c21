import type pg from 'pg';
import { jsonb } from '../db/database.ts';
import { enqueueMessages, type OutboxMessage } from '../db/outbox.ts';
import {
  stepCommandKey,
  type CampaignStatusChange,
  type StepCommand,
  type StepEvent,
} from '../domain/messages.ts';
import {
  FLOWS,
  STEP_TOPICS,
  followedStep,
  followersOf,
  readySteps,
  type Flow,
  type FlowName,
  type FlowStep,
  type StepName,
  type StepStatus,
} from '../flow/flow.ts';
import { Topic } from '../kafka/topology.ts';
import { backoffDelay, type BackoffPolicy } from '../retry/backoff.ts';
import { chunkPlanQuery, readyChunks, type PlannedChunk } from './step-plans.ts';

// The campaign's run as state transitions in PostgreSQL. Every function runs inside the caller's
// transaction, holding the campaign row's lock, and writes the messages it implies to the outbox, so
// state and messages commit together and a redelivered event changes nothing twice.

type Tx = Pick<pg.ClientBase, 'query'>;

export interface RunCampaign {
  id: string;
  tenantId: string;
  campaignNumber: string;
  parentId: string | null;
  flow: string;
}

/** Hooks for metrics; called for transitions made by the transaction. */
export interface RunObserver {
  commandsDispatched(step: StepName, count: number): void;
  chunkFinished(step: string, outcome: StepEvent['outcome']): void;
  stepFinished(step: StepName, outcome: 'completed' | 'failed', seconds: number): void;
  campaignFinished(outcome: 'created' | 'failed', seconds: number): void;
}

export const silentObserver: RunObserver = {
  commandsDispatched: () => undefined,
  chunkFinished: () => undefined,
  stepFinished: () => undefined,
  campaignFinished: () => undefined,
};

export interface RunSettings {
  /** Attempts of a chunk before a retryable failure fails the campaign. */
  maxAttempts: number;
  backoff: BackoffPolicy;
  observer: RunObserver;
}

export function flowOf(campaign: Pick<RunCampaign, 'flow'>): Flow {
  return FLOWS[campaign.flow as FlowName] ?? FLOWS.parallel;
}

/** Creates the tracking rows of every step and dispatches the steps that need nothing. */
export async function beginCampaignRun(tx: Tx, campaign: RunCampaign, settings: RunSettings): Promise<void> {
  const flow = flowOf(campaign);
  await tx.query(
    `INSERT INTO campaign_step (campaign_id, step, status) SELECT $1, unnest($2::text[]), 'pending'
     ON CONFLICT DO NOTHING`,
    [campaign.id, flow.map((entry) => entry.step)],
  );
  await routeReadySteps(tx, campaign, settings);
}

async function stepStatuses(tx: Tx, campaignId: string): Promise<Map<StepName, StepStatus>> {
  const { rows } = await tx.query<{ step: StepName; status: StepStatus }>(
    'SELECT step, status FROM campaign_step WHERE campaign_id = $1',
    [campaignId],
  );
  return new Map(rows.map((row) => [row.step, row.status]));
}

/** Starts every step whose needs are done, repeatedly (a step with no work completes at once). */
export async function routeReadySteps(tx: Tx, campaign: RunCampaign, settings: RunSettings): Promise<void> {
  const flow = flowOf(campaign);
  // A step failed: steps already running finish, no new one starts (see settleFailure).
  if (await isFailing(tx, campaign.id)) return;
  for (;;) {
    const ready = readySteps(flow, await stepStatuses(tx, campaign.id));
    if (ready.length === 0) return;
    for (const entry of ready) {
      if (entry.step === 'end') await completeCampaign(tx, campaign, settings);
      else await startStep(tx, campaign, entry, settings);
    }
  }
}

async function transitionStep(
  tx: Tx,
  campaignId: string,
  step: StepName,
  to: StepStatus,
  detail: Record<string, unknown> | null = null,
): Promise<void> {
  const { rows } = await tx.query<{ from_status: StepStatus; attempt: number }>(
    `UPDATE campaign_step s SET
       status = $3,
       attempt = CASE WHEN $3 = 'started' THEN s.attempt + 1 ELSE s.attempt END,
       started_at = CASE WHEN $3 = 'started' THEN now() ELSE s.started_at END,
       finished_at = CASE WHEN $3 IN ('completed', 'failed', 'skipped') THEN now() ELSE NULL END,
       last_error = CASE WHEN $3 = 'failed' THEN $4::jsonb WHEN $3 = 'completed' THEN NULL ELSE s.last_error END,
       updated_at = now()
     FROM (SELECT status AS from_status FROM campaign_step WHERE campaign_id = $1 AND step = $2) previous
     WHERE s.campaign_id = $1 AND s.step = $2
     RETURNING previous.from_status, s.attempt`,
    [campaignId, step, to, detail ? jsonb(detail) : null],
  );
  const row = rows[0];
  if (!row) throw new Error(`campaign ${campaignId} has no step ${step}`);
  await tx.query(
    `INSERT INTO campaign_step_history (campaign_id, step, from_status, to_status, attempt, detail)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [campaignId, step, row.from_status, to, row.attempt, detail ? jsonb(detail) : null],
  );
}

async function startStep(
  tx: Tx,
  campaign: RunCampaign,
  entry: FlowStep,
  settings: RunSettings,
): Promise<void> {
  const step = entry.step as Exclude<StepName, 'end'>;
  const { rows } = await tx.query<{ chunk: number; wave: number; depends_on: number[]; waits_for: number[] }>(
    chunkPlanQuery(step, entry.follows !== undefined),
    [campaign.id],
  );
  // A chunk's prerequisites go in as text ('{1,2}'): unnest would flatten an array of arrays.
  await tx.query(
    `INSERT INTO campaign_step_chunk (campaign_id, step, chunk, wave, depends_on, waits_for, status)
     SELECT $1, $2, unnest($3::int[]), unnest($4::int[]), unnest($5::text[])::int[], unnest($6::text[])::int[], 'pending'
     ON CONFLICT (campaign_id, step, chunk) DO NOTHING`,
    [
      campaign.id,
      step,
      rows.map((row) => row.chunk),
      rows.map((row) => row.wave),
      rows.map((row) => `{${row.depends_on.join(',')}}`),
      rows.map((row) => `{${row.waits_for.join(',')}}`),
    ],
  );
  await transitionStep(tx, campaign.id, step, 'started', { chunks: rows.length });
  await advanceStep(tx, campaign, step, settings);
}

/** What advancing a step did: completed it, dispatched its next chunks, or found it still waiting. */
type StepAdvance = 'completed' | 'dispatched' | 'waiting';

/**
 * Dispatches the pending chunks whose prerequisite chunks are completed, or completes the step when every
 * chunk is. A chunk in flight or waiting for an automatic retry holds back only the chunks that need it.
 */
async function advanceStep(
  tx: Tx,
  campaign: RunCampaign,
  step: StepName,
  settings: RunSettings,
  followedUnfinished?: ReadonlySet<number>,
): Promise<StepAdvance> {
  const { rows } = await tx.query<PlannedChunk>(
    `SELECT chunk, wave, status, depends_on AS "dependsOn", waits_for AS "waitsFor" FROM campaign_step_chunk
     WHERE campaign_id = $1 AND step = $2 AND status <> 'completed'`,
    [campaign.id, step],
  );
  if (rows.length === 0) {
    const seconds = await stepSeconds(tx, campaign.id, step);
    await transitionStep(tx, campaign.id, step, 'completed');
    settings.observer.stepFinished(step, 'completed', seconds);
    return 'completed';
  }
  const followed = followedStep(flowOf(campaign), step);
  const pending = readyChunks(
    rows,
    followed === undefined
      ? undefined
      : (followedUnfinished ?? (await unfinishedChunks(tx, campaign.id, followed))),
  );
  if (pending.length === 0) return 'waiting';
  const { rows: dispatched } = await tx.query<{ chunk: number; attempt: number }>(
    `UPDATE campaign_step_chunk SET status = 'dispatched', attempt = attempt + 1, dispatched_at = now(), last_error = NULL,
       resent_at = NULL, resends = 0
     WHERE campaign_id = $1 AND step = $2 AND chunk = ANY($3::int[]) RETURNING chunk, attempt`,
    [campaign.id, step, pending.map((row) => row.chunk)],
  );
  const messages = await chunkCommands(tx, campaign, step, dispatched);
  await enqueueMessages(tx, messages);
  settings.observer.commandsDispatched(step, messages.length);
  return 'dispatched';
}

/**
 * The commands that run these attempts of a step's chunks. A command's id names its chunk and attempt, so
 * a command sent again is the same command: the worker's answer to either settles the chunk once.
 */
async function chunkCommands(
  tx: Tx,
  campaign: RunCampaign,
  step: StepName,
  chunks: readonly { chunk: number; attempt: number }[],
): Promise<OutboxMessage[]> {
  if (step === 'end') throw new Error('the end step has no worker topic');
  const total = await chunkTotal(tx, campaign.id, step);
  const topic = STEP_TOPICS[step];
  return chunks.map(({ chunk, attempt }) => {
    const command: StepCommand = {
      commandId: `${campaign.id}:${step}:${chunk}:${attempt}`,
      campaignId: campaign.id,
      tenantId: campaign.tenantId,
      step,
      attempt,
      chunk: { index: chunk, count: total },
      issuedAt: Date.now(),
    };
    return { topic, key: stepCommandKey(campaign.id, chunk), value: command };
  });
}

/** Times the command of one attempt of a chunk is sent again at most (see resendSilentChunks). */
export const MAX_CHUNK_RESENDS = 3;

/**
 * Sends again, unchanged, the commands of a step's chunks that were dispatched and not answered for
 * `silentForMs`: a command lost on its way to the worker, or the worker's answer lost on its way back,
 * would otherwise leave the campaign waiting for ever. The caller holds the campaign's lock and calls this
 * for a stalled step only. A run of the chunk still going holds the chunk's lock: the command sent again
 * waits for it, then finds nothing left to do, and its answer, for a settled chunk, is ignored. Each
 * chunk is sent again at most once per `silentForMs`, whichever status replica looks, and at most
 * MAX_CHUNK_RESENDS times. Answers the chunks sent again.
 */
export async function resendSilentChunks(
  tx: Tx,
  campaign: RunCampaign,
  step: StepName,
  silentForMs: number,
): Promise<number[]> {
  const { rows } = await tx.query<{ chunk: number; attempt: number }>(
    `UPDATE campaign_step_chunk SET resent_at = now(), resends = resends + 1
     WHERE campaign_id = $1 AND step = $2 AND status = 'dispatched' AND resends < $4
       AND greatest(dispatched_at, resent_at) <= now() - make_interval(secs => $3::float8 / 1000)
     RETURNING chunk, attempt`,
    [campaign.id, step, silentForMs, MAX_CHUNK_RESENDS],
  );
  if (rows.length === 0) return [];
  await enqueueMessages(tx, await chunkCommands(tx, campaign, step, rows));
  return rows.map((row) => row.chunk).sort((a, b) => a - b);
}

async function unfinishedChunks(tx: Tx, campaignId: string, step: StepName): Promise<Set<number>> {
  const { rows } = await tx.query<{ chunk: number }>(
    `SELECT chunk FROM campaign_step_chunk WHERE campaign_id = $1 AND step = $2 AND status <> 'completed'`,
    [campaignId, step],
  );
  return new Set(rows.map((row) => row.chunk));
}

/**
 * A chunk of `step` completed: the started steps that follow it dispatch the chunks that waited for it.
 * Answers whether one of them completed (it had nothing left), which may make other steps ready.
 */
async function advanceFollowers(
  tx: Tx,
  campaign: RunCampaign,
  step: StepName,
  settings: RunSettings,
): Promise<boolean> {
  const followers = followersOf(flowOf(campaign), step);
  if (followers.length === 0) return false;
  const statuses = await stepStatuses(tx, campaign.id);
  // Read once for all of them: what of `step` is still unfinished.
  const unfinished = await unfinishedChunks(tx, campaign.id, step);
  let completed = false;
  for (const follower of followers) {
    if (statuses.get(follower) !== 'started') continue;
    if ((await advanceStep(tx, campaign, follower, settings, unfinished)) === 'completed') completed = true;
  }
  return completed;
}

async function chunkTotal(tx: Tx, campaignId: string, step: string): Promise<number> {
  const { rows } = await tx.query<{ total: number }>(
    'SELECT count(*)::int AS total FROM campaign_step_chunk WHERE campaign_id = $1 AND step = $2',
    [campaignId, step],
  );
  return rows[0]?.total ?? 0;
}

async function stepSeconds(tx: Tx, campaignId: string, step: string): Promise<number> {
  const { rows } = await tx.query<{ seconds: number | null }>(
    `SELECT extract(epoch FROM now() - started_at)::float8 AS seconds FROM campaign_step WHERE campaign_id = $1 AND step = $2`,
    [campaignId, step],
  );
  return rows[0]?.seconds ?? 0;
}

export type EventEffect =
  | { kind: 'ignored'; reason: string }
  | { kind: 'recorded' }
  | { kind: 'retry-scheduled'; chunk: number; attempt: number; delayMs: number }
  | { kind: 'campaign-failed' };

/**
 * Applies a worker's StepEvent. The caller holds the campaign's lock (`findCampaign(..., { lock: true })`)
 * and passes its current status. Events of an older attempt, or for a chunk already settled, are ignored.
 */
export async function recordStepEvent(
  tx: Tx,
  campaign: RunCampaign & { status: string },
  event: StepEvent,
  settings: RunSettings,
): Promise<EventEffect> {
  const { rows } = await tx.query<{ status: string; attempt: number }>(
    `SELECT status, attempt FROM campaign_step_chunk WHERE campaign_id = $1 AND step = $2 AND chunk = $3 FOR UPDATE`,
    [event.campaignId, event.step, event.chunk.index],
  );
  const chunk = rows[0];
  if (!chunk) return { kind: 'ignored', reason: 'unknown chunk' };
  if (chunk.attempt !== event.attempt || chunk.status !== 'dispatched') {
    return { kind: 'ignored', reason: `chunk is ${chunk.status} at attempt ${chunk.attempt}` };
  }
  const step = event.step as StepName;
  settings.observer.chunkFinished(step, event.outcome);
  if (event.outcome === 'COMPLETED') {
    await settleChunk(tx, event, 'completed');
    if (campaign.status === 'creating') {
      const advanced = await advanceStep(tx, campaign, step, settings);
      const followerCompleted = await advanceFollowers(tx, campaign, step, settings);
      // Most chunks finish while others of their step still run: no step's status changed, so no other
      // step can have become ready. A failing campaign may have been waiting for this chunk alone.
      if (advanced === 'waiting' && !followerCompleted) {
        const failed = (await isFailing(tx, campaign.id)) && (await settleFailure(tx, campaign, settings));
        return failed ? { kind: 'campaign-failed' } : { kind: 'recorded' };
      }
      await routeReadySteps(tx, campaign, settings);
      if (await settleFailure(tx, campaign, settings)) return { kind: 'campaign-failed' };
    }
    return { kind: 'recorded' };
  }
  if (event.outcome === 'SKIPPED') {
    await settleChunk(tx, event, 'skipped');
    return { kind: 'recorded' };
  }
  const error = event.error ?? { code: 'UNKNOWN', message: 'the worker gave no reason', retryable: false };
  await settleChunk(tx, event, 'failed');
  if (campaign.status !== 'creating') return { kind: 'recorded' };
  if (error.retryable && event.attempt < settings.maxAttempts) {
    return {
      kind: 'retry-scheduled',
      chunk: event.chunk.index,
      attempt: event.attempt,
      delayMs: backoffDelay(event.attempt, settings.backoff),
    };
  }
  await failStep(tx, campaign, step, { code: error.code, message: error.message }, settings);
  return (await settleFailure(tx, campaign, settings)) ? { kind: 'campaign-failed' } : { kind: 'recorded' };
}

async function settleChunk(
  tx: Tx,
  event: StepEvent,
  status: 'completed' | 'skipped' | 'failed',
): Promise<void> {
  await tx.query(
    `UPDATE campaign_step_chunk SET status = $4, counts = $5::jsonb, last_error = $6::jsonb, finished_at = now()
     WHERE campaign_id = $1 AND step = $2 AND chunk = $3`,
    [
      event.campaignId,
      event.step,
      event.chunk.index,
      status,
      jsonb(event.counts),
      event.error ? jsonb(event.error) : null,
    ],
  );
}

/** A scheduled automatic retry of one failed chunk; does nothing if the chunk moved on meanwhile. */
export async function retryChunk(
  tx: Tx,
  campaign: RunCampaign & { status: string },
  step: StepName,
  chunk: number,
  attempt: number,
  settings: RunSettings,
): Promise<boolean> {
  if (campaign.status !== 'creating') return false;
  const { rowCount } = await tx.query(
    `UPDATE campaign_step_chunk SET status = 'pending'
     WHERE campaign_id = $1 AND step = $2 AND chunk = $3 AND attempt = $4 AND status = 'failed'`,
    [campaign.id, step, chunk, attempt],
  );
  if (!rowCount) return false;
  await advanceStep(tx, campaign, step, settings);
  return true;
}

async function isFailing(tx: Tx, campaignId: string): Promise<boolean> {
  const { rows } = await tx.query<{ failing: boolean }>(
    `SELECT last_error IS NOT NULL AS failing FROM campaign WHERE id = $1`,
    [campaignId],
  );
  return rows[0]?.failing ?? false;
}

/** A step failed for good: the campaign keeps the first reason while its running work finishes. */
async function failStep(
  tx: Tx,
  campaign: RunCampaign,
  step: StepName,
  error: { code: string; message: string },
  settings: RunSettings,
): Promise<void> {
  const seconds = await stepSeconds(tx, campaign.id, step);
  await transitionStep(tx, campaign.id, step, 'failed', error);
  settings.observer.stepFinished(step, 'failed', seconds);
  await tx.query(`UPDATE campaign SET last_error = coalesce(last_error, $2::jsonb) WHERE id = $1`, [
    campaign.id,
    jsonb({ step, ...error }),
  ]);
}

/**
 * Once a step has failed and no chunk is running or waiting for an automatic retry, the campaign is
 * failed: a retry then resumes from a quiet state. Returns true when it marked the campaign failed.
 */
async function settleFailure(tx: Tx, campaign: RunCampaign, settings: RunSettings): Promise<boolean> {
  const { rows } = await tx.query<{
    last_error: { step: string; code: string; message: string } | null;
    busy: boolean;
  }>(
    `SELECT c.last_error,
            EXISTS (SELECT 1 FROM campaign_step_chunk k JOIN campaign_step s ON s.campaign_id = k.campaign_id AND s.step = k.step
                    WHERE k.campaign_id = c.id AND (k.status = 'dispatched' OR (k.status = 'failed' AND s.status = 'started'))) AS busy
     FROM campaign c WHERE c.id = $1 AND c.status = 'creating'`,
    [campaign.id],
  );
  const state = rows[0];
  if (!state?.last_error || state.busy) return false;
  const { rows: updated } = await tx.query<{ is_active: boolean; seconds: number }>(
    `UPDATE campaign SET status = 'failed', last_modified_time = $2
     WHERE id = $1 RETURNING is_active, ($2 - created_time) / 1000.0 AS seconds`,
    [campaign.id, Date.now()],
  );
  settings.observer.campaignFinished('failed', Number(updated[0]?.seconds ?? 0));
  const { step, code, message } = state.last_error;
  await enqueueMessages(tx, [
    statusMessage(campaign, 'failed', updated[0]?.is_active ?? true, [
      { code, message: `${step}: ${message}` },
    ]),
  ]);
  return true;
}

/** The end step: the campaign is created; a child replaces its parent, which becomes inactive. */
async function completeCampaign(tx: Tx, campaign: RunCampaign, settings: RunSettings): Promise<void> {
  await transitionStep(tx, campaign.id, 'end', 'started');
  await transitionStep(tx, campaign.id, 'end', 'completed');
  const now = Date.now();
  const { rows } = await tx.query<{ seconds: number }>(
    `UPDATE campaign SET status = 'created', last_error = NULL, last_modified_time = $2
     WHERE id = $1 RETURNING ($2 - created_time) / 1000.0 AS seconds`,
    [campaign.id, now],
  );
  settings.observer.campaignFinished('created', Number(rows[0]?.seconds ?? 0));
  const messages = [statusMessage(campaign, 'created', true)];
  if (campaign.parentId) {
    const { rows: parents } = await tx.query<RunCampaign & { status: string }>(
      `UPDATE campaign SET is_active = false, last_modified_time = $2 WHERE id = $1
       RETURNING id, tenant_id AS "tenantId", campaign_number AS "campaignNumber", parent_id AS "parentId", flow, status`,
      [campaign.parentId, now],
    );
    const parent = parents[0];
    if (parent) messages.push(statusMessage(parent, parent.status, false));
  }
  await enqueueMessages(tx, messages);
}

/**
 * A manual retry of a failed campaign: failed and unfinished chunks are dispatched again (a new attempt);
 * completed steps and chunks are never run again. Returns false when the campaign is not failed.
 */
export async function retryCampaign(
  tx: Tx,
  campaign: RunCampaign & { status: string },
  settings: RunSettings,
): Promise<boolean> {
  if (campaign.status !== 'failed') return false;
  await tx.query(
    `UPDATE campaign SET status = 'creating', last_error = NULL, last_modified_time = $2 WHERE id = $1`,
    [campaign.id, Date.now()],
  );
  const { rows } = await tx.query<{ step: StepName }>(
    `SELECT step FROM campaign_step WHERE campaign_id = $1 AND status IN ('failed', 'started')`,
    [campaign.id],
  );
  for (const { step } of rows) {
    await tx.query(
      `UPDATE campaign_step_chunk SET status = 'pending' WHERE campaign_id = $1 AND step = $2 AND status <> 'completed'`,
      [campaign.id, step],
    );
    await transitionStep(tx, campaign.id, step, 'started', { retry: true });
    await advanceStep(tx, campaign, step, settings);
  }
  await enqueueMessages(tx, [statusMessage(campaign, 'creating', true)]);
  await routeReadySteps(tx, { ...campaign, status: 'creating' } as RunCampaign, settings);
  return true;
}

export function statusMessage(
  campaign: RunCampaign,
  status: string,
  isActive: boolean,
  errors: { code: string; message: string }[] = [],
): OutboxMessage {
  const value: CampaignStatusChange = {
    campaignId: campaign.id,
    campaignNumber: campaign.campaignNumber,
    tenantId: campaign.tenantId,
    status,
    isActive,
    parentId: campaign.parentId,
    requestId: null,
    errors,
    at: Date.now(),
  };
  return { topic: Topic.status, key: campaign.id, value };
}

/**
 * Cancels a campaign: inactive, status cancelled. Workers check the status before every DIGIT write, so
 * no write starts after this commits. Idempotent: false when it was already cancelled.
 */
export async function cancelCampaign(
  tx: Tx,
  campaign: RunCampaign & { status: string },
  userUuid: string,
): Promise<boolean> {
  if (campaign.status === 'cancelled') return false;
  await tx.query(
    `UPDATE campaign SET status = 'cancelled', is_active = false, last_modified_time = $2, last_modified_by = $3 WHERE id = $1`,
    [campaign.id, Date.now(), userUuid],
  );
  await enqueueMessages(tx, [statusMessage(campaign, 'cancelled', false)]);
  return true;
}
