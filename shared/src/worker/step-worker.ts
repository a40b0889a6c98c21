import { campaignStatus, findCampaign, requestInfoFor, type CampaignRecord } from '../campaign/campaign.ts';
import type { Database } from '../db/database.ts';
import { DigitError } from '../digit/client.ts';
import { OutcomeStillUnknownError } from '../digit/reconcile.ts';
import type { RequestInfo } from '../digit/envelope.ts';
import type { DigitClients } from '../digit/services.ts';
import { withCallOrder } from '../digit/call-order.ts';
import { withWriteGuard } from '../digit/write-guard.ts';
import {
  chunkOfStepCommandKey,
  emptyCounts,
  type StepCommand,
  type StepCounts,
  type StepError,
  type StepEvent,
} from '../domain/messages.ts';
import { consumerGroup, STEP_TOPICS, type StepName, type WorkerName } from '../flow/flow.ts';
import { PoisonMessageError } from '../kafka/consumer.ts';
import { Topic } from '../kafka/topology.ts';
import type { ServiceConfig } from '../config/service-config.ts';
import type { ServiceDefinition } from '../lifecycle/service.ts';
import { workLogger, type Logger } from '../logging/logger.ts';
import type { PipelineMetrics } from '../metrics/metrics.ts';
import type { SessionLocks } from '../db/session-locks.ts';
import { takeChunkLock } from './chunk-locks.ts';

/** The campaign left `creating` (cancelled, failed elsewhere): stop writing to DIGIT for it. */
export class CampaignNotCreatingError extends Error {
  constructor(campaignId: string, status: string | null) {
    super(`campaign ${campaignId} is ${status ?? 'gone'}, no longer creating`);
    this.name = 'CampaignNotCreatingError';
  }
}

/** A failure of the step that is not DIGIT's: bad data found at sync time, a missing parent, ... */
export class StepFailure extends Error {
  readonly code: string;
  readonly retryable: boolean;
  constructor(code: string, message: string, retryable = false) {
    super(message);
    this.name = 'StepFailure';
    this.code = code;
    this.retryable = retryable;
  }
}

export type RowAction = keyof StepCounts;

export interface StepChunk {
  command: StepCommand;
  campaign: CampaignRecord;
  entity: string;
  db: Database;
  digit: DigitClients;
  config: ServiceConfig;
  logger: Logger;
  requestInfo: RequestInfo;
  /** Records rows processed, for the StepEvent and the metrics. */
  count(action: RowAction, rows?: number): void;
}

export type StepHandler = (chunk: StepChunk) => Promise<void>;

export interface StepWorkerDefinition {
  name: WorkerName;
  defaultPort: number;
  /** The entity this worker syncs, as the metrics name it. */
  entity: string;
  steps: Partial<Record<StepName, StepHandler>>;
}

/**
 * A worker consumes the topic of each step it runs, each as its own consumer group: for each command it
 * checks the campaign is still creating, runs the step's handler on the chunk, and reports a StepEvent
 * with counts or the failure.
 */
export function stepWorker(definition: StepWorkerDefinition): ServiceDefinition {
  const steps = (Object.keys(definition.steps) as StepName[]).filter(
    (step): step is Exclude<StepName, 'end'> => step !== 'end',
  );
  return {
    name: definition.name,
    defaultPort: definition.defaultPort,
    topics: [...steps.map((step) => STEP_TOPICS[step]), Topic.stepEvents],
    // A chunk in hand records its delivery and runs its queries on one connection at a time: a wave of
    // chunks on half the pool kept had its last three start 150-200 ms after the others.
    keptConnections: (config) => config.KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY,
    async setup(context) {
      // The answer goes to the status service keyed by campaign: a campaign's events stay in order.
      const answer = (event: StepEvent) =>
        context.publisher.publish(Topic.stepEvents, [{ key: event.campaignId, value: event }]);
      for (const step of steps) {
        context.consume<StepCommand>({
          groupId: consumerGroup(definition.name, step),
          topics: [STEP_TOPICS[step]],
          priority: (message) => chunkOfStepCommandKey(message.key),
          handle: async ({ value: command }) => {
            const problem = commandProblem(command, step);
            if (problem) throw new PoisonMessageError(problem);
            const running = context.metrics.workerChunks;
            running.inc({ step });
            let event: StepEvent;
            try {
              event = await runChunk(definition, command, {
                db: context.db,
                digit: context.digit,
                config: context.config,
                logger: context.logger,
                metrics: context.metrics,
                locks: context.locks,
              });
            } finally {
              running.dec({ step });
            }
            await answer(event);
          },
          onCrashedConsumer: async ({ value: command }) => {
            if (!commandProblem(command, step)) await answer(crashedChunkEvent(command, definition.name));
          },
        });
      }
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why a command read from the step's topic can never be run, if so: its fields are checked first. */
export function commandProblem(command: StepCommand, step: StepName): string | null {
  if (!UUID.test(command.campaignId)) return `campaignId ${JSON.stringify(command.campaignId)} is not a UUID`;
  if (command.step !== step)
    return `step ${JSON.stringify(command.step)} does not belong on the ${step} topic`;
  const { index, count } = command.chunk;
  if (!Number.isInteger(index) || !Number.isInteger(count) || index < 0 || count < 1)
    return `chunk ${index} of ${count} is out of range`;
  if (!Number.isInteger(command.attempt) || command.attempt < 1)
    return `attempt ${command.attempt} is not positive`;
  return null;
}

interface WorkerParts {
  db: Database;
  digit: DigitClients;
  config: ServiceConfig;
  logger: Logger;
  metrics: PipelineMetrics;
  locks: SessionLocks;
}

/** The worker's answer to a command: one per command and outcome (a redelivered answer is the same). */
function chunkEvent(
  command: StepCommand,
  outcome: StepEvent['outcome'],
  error: StepError | null,
  counts: StepCounts,
): StepEvent {
  return {
    eventId: `${command.commandId}:${outcome}`,
    commandId: command.commandId,
    campaignId: command.campaignId,
    step: command.step,
    attempt: command.attempt,
    chunk: command.chunk,
    outcome,
    error,
    counts,
    at: Date.now(),
  };
}

/**
 * The answer to a command that crashed the worker so often it was dead-lettered: its chunk failed, for
 * good (running it again would crash the worker again). Without it the chunk would stay dispatched and
 * its step stalled, its command sent again (see resendSilentChunks) to crash the worker anew.
 */
export function crashedChunkEvent(command: StepCommand, worker: WorkerName): StepEvent {
  return chunkEvent(
    command,
    'FAILED',
    {
      code: 'CHUNK_CRASHED_WORKER',
      message: `chunk ${command.chunk.index} crashed ${worker} each time it ran; its command is in ${Topic.dlq}`,
      retryable: false,
    },
    emptyCounts(),
  );
}

export async function runChunk(
  definition: StepWorkerDefinition,
  command: StepCommand,
  parts: WorkerParts,
): Promise<StepEvent> {
  const logger = workLogger(parts.logger, {
    campaignId: command.campaignId,
    step: command.step,
    attempt: command.attempt,
    commandId: command.commandId,
    chunk: command.chunk.index,
  });
  const counts = emptyCounts();
  const started = process.hrtime.bigint();
  const finish = (outcome: StepEvent['outcome'], error: StepError | null): StepEvent => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    parts.metrics.chunkDuration.observe({ step: command.step, outcome: outcome.toLowerCase() }, seconds);
    logger.info({ outcome, counts, error, seconds }, 'chunk finished');
    return chunkEvent(command, outcome, error, counts);
  };
  const handler = definition.steps[command.step as StepName];
  if (!handler) {
    return finish('FAILED', {
      code: 'UNKNOWN_STEP',
      message: `${definition.name} has no step ${command.step}`,
      retryable: false,
    });
  }
  const campaign = await findCampaign(parts.db, command.campaignId);
  // Commands are published only after their campaign is stored: one without a campaign is not ours.
  if (!campaign) throw new PoisonMessageError(`campaign ${command.campaignId} does not exist`);
  if (campaign.status !== 'creating') return finish('SKIPPED', null);
  // One run of a chunk at a time, whatever the attempt: a retry dispatched while an older attempt is
  // still running waits for it, so the two never create the same entity.
  const lock = await takeChunkLock(parts.locks, {
    campaignId: command.campaignId,
    step: command.step,
    index: command.chunk.index,
  });
  const ensureStillCreating = async () => {
    if (!lock.held)
      throw new StepFailure(
        'CHUNK_LOCK_LOST',
        'the database connection holding the chunk lock was lost',
        true,
      );
    const status = await campaignStatus(parts.db, command.campaignId);
    if (status !== 'creating') throw new CampaignNotCreatingError(command.campaignId, status);
  };
  logger.info('chunk started');
  try {
    // Every DIGIT write of the chunk checks, right before it is sent (after waiting for its call slot),
    // that the chunk lock is held and the campaign was not cancelled or failed meanwhile. Its calls wait
    // for a slot by the chunk's number (call-order.ts).
    await withWriteGuard(ensureStillCreating, () =>
      withCallOrder(command.chunk.index, () =>
        handler({
          command,
          campaign,
          entity: definition.entity,
          db: parts.db,
          digit: parts.digit,
          config: parts.config,
          logger,
          requestInfo: requestInfoFor(campaign, parts.config.DIGIT_AUTH_TOKEN),
          count: (action, rows = 1) => {
            counts[action] += rows;
            parts.metrics.rowsProcessed.inc({ entity: definition.entity, action }, rows);
          },
        }),
      ),
    );
    return finish('COMPLETED', null);
  } catch (error) {
    if (error instanceof CampaignNotCreatingError) return finish('SKIPPED', null);
    return finish('FAILED', describeFailure(error, logger));
  } finally {
    await lock.release();
  }
}

function describeFailure(error: unknown, logger: Logger): StepError {
  if (error instanceof DigitError)
    return { code: error.code, message: error.message, retryable: error.retryable };
  if (error instanceof StepFailure || error instanceof OutcomeStillUnknownError)
    return { code: error.code, message: error.message, retryable: error.retryable };
  logger.error({ err: error }, 'chunk failed unexpectedly');
  return { code: 'INTERNAL_ERROR', message: (error as Error).message ?? String(error), retryable: true };
}
