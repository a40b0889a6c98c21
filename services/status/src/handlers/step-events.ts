import {
  findCampaign,
  inTransaction,
  recordStepEvent,
  retryChunk,
  type Database,
  type DatabaseClient,
  type Logger,
  type RunSettings,
  type StepEvent,
  type StepName,
} from '@campaign-pipeline/shared';
import type PgBoss from 'pg-boss';
import { loggingObserver, type HeldLines } from '../domain/run-log.ts';

export const CHUNK_RETRY_QUEUE = 'chunk-retry';

export interface ChunkRetryJob {
  campaignId: string;
  step: StepName;
  chunk: number;
  attempt: number;
}

interface StepEventParts {
  db: Database;
  boss: PgBoss;
  settings: RunSettings;
  logger: Logger;
}

/**
 * Applies a StepEvent under the campaign's lock. A retryable failure schedules its automatic retry in
 * the same transaction (pg-boss job with a start time), so the retry exists if and only if the failure
 * was recorded.
 */
export async function handleStepEvent(event: StepEvent, parts: StepEventParts): Promise<void> {
  await handleStepEvents([event], parts);
}

/**
 * Applies the events waiting in one partition in one transaction, in order: a campaign's events share a
 * partition, so one transaction per event made them wait for each other's commits.
 */
export async function handleStepEvents(events: StepEvent[], parts: StepEventParts): Promise<void> {
  // What the events changed is said once it is committed.
  const held: HeldLines = [];
  await inTransaction(parts.db, async (tx) => {
    for (const event of events) await applyStepEvent(tx, event, parts, held);
  });
  for (const say of held) say();
}

async function applyStepEvent(
  tx: DatabaseClient,
  event: StepEvent,
  parts: StepEventParts,
  held: HeldLines,
): Promise<void> {
  const logger = parts.logger.child({
    campaignId: event.campaignId,
    step: event.step,
    attempt: event.attempt,
    commandId: event.commandId,
  });
  // Read again for each event: an earlier one in the same transaction may have ended the campaign.
  const campaign = await findCampaign(tx, event.campaignId, { lock: true });
  if (!campaign) {
    logger.warn('event for an unknown campaign ignored');
    return;
  }
  const effect = await recordStepEvent(tx, campaign, event, {
    ...parts.settings,
    observer: loggingObserver(parts.settings.observer, logger, held),
  });
  if (effect.kind === 'retry-scheduled') {
    const job: ChunkRetryJob = {
      campaignId: campaign.id,
      step: event.step as StepName,
      chunk: effect.chunk,
      attempt: effect.attempt,
    };
    await parts.boss.send(CHUNK_RETRY_QUEUE, job, {
      startAfter: new Date(Date.now() + effect.delayMs),
      singletonKey: `${campaign.id}:${event.step}:${effect.chunk}:${effect.attempt}`,
      db: { executeSql: (text: string, values?: unknown[]) => tx.query(text, values) },
    });
    held.push(() =>
      logger.warn(
        { error: event.error, delayMs: effect.delayMs, chunk: effect.chunk },
        'chunk failed, retry scheduled',
      ),
    );
  } else if (effect.kind === 'campaign-failed') {
    held.push(() => logger.error({ error: event.error }, 'campaign failed'));
  } else if (effect.kind === 'ignored') {
    logger.debug({ reason: effect.reason }, 'event ignored');
  }
}

/** Runs a scheduled chunk retry, unless the campaign or chunk moved on since it was scheduled. */
export async function handleChunkRetry(
  job: ChunkRetryJob,
  parts: { db: Database; settings: RunSettings; logger: Logger },
): Promise<void> {
  await inTransaction(parts.db, async (tx) => {
    const campaign = await findCampaign(tx, job.campaignId, { lock: true });
    if (!campaign) return;
    const dispatched = await retryChunk(tx, campaign, job.step, job.chunk, job.attempt, parts.settings);
    parts.logger.info(
      { campaignId: job.campaignId, step: job.step, chunk: job.chunk, dispatched },
      'automatic chunk retry',
    );
  });
}
