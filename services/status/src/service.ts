import {
  OutboxRelay,
  STEP_COMMAND_TOPICS,
  Topic,
  env,
  readConfig,
  retryOnDeadlock,
  type PipelineMetrics,
  type RunObserver,
  type RunSettings,
  type ServiceDefinition,
  type StepEvent,
} from '@campaign-pipeline/shared';
import PgBoss from 'pg-boss';
import { campaignRoutes } from './handlers/campaign-routes.ts';
import { processRoutes } from './handlers/process-routes.ts';
import {
  CHUNK_RETRY_QUEUE,
  handleChunkRetry,
  handleStepEvent,
  handleStepEvents,
  type ChunkRetryJob,
} from './handlers/step-events.ts';
import { refreshCampaignGauge } from './domain/campaign-gauge.ts';
import { StallSweep } from './domain/stall-sweep.ts';

export function readStatusConfig(source: NodeJS.ProcessEnv = process.env) {
  return readConfig(
    {
      STEP_MAX_ATTEMPTS: env.int({ fallback: 4, min: 1, max: 50 }),
      STEP_RETRY_BASE_MS: env.int({ fallback: 2000, min: 10, max: 3_600_000 }),
      STEP_RETRY_MAX_MS: env.int({ fallback: 120_000, min: 10, max: 86_400_000 }),
      CAMPAIGN_GAUGE_INTERVAL_MS: env.int({ fallback: 15_000, min: 1000, max: 3_600_000 }),
      STEP_STALL_AFTER_MS: env.int({ fallback: 300_000, min: 1000, max: 86_400_000 }),
    },
    source,
  );
}

export function metricsObserver(metrics: PipelineMetrics): RunObserver {
  return {
    commandsDispatched: (step, count) => metrics.stepCommands.inc({ step, outcome: 'started' }, count),
    chunkFinished: (step, outcome) => metrics.stepCommands.inc({ step, outcome: outcome.toLowerCase() }),
    stepFinished: (step, outcome, seconds) => metrics.stepDuration.observe({ step, outcome }, seconds),
    campaignFinished: (outcome, seconds) => metrics.campaignDuration.observe({ outcome }, seconds),
  };
}

export const service: ServiceDefinition = {
  name: 'status',
  defaultPort: 3006,
  topics: [Topic.stepEvents, ...STEP_COMMAND_TOPICS, Topic.status],
  async setup(context) {
    const own = readStatusConfig();
    const settings: RunSettings = {
      maxAttempts: own.STEP_MAX_ATTEMPTS,
      backoff: { baseMs: own.STEP_RETRY_BASE_MS, maxMs: own.STEP_RETRY_MAX_MS },
      observer: metricsObserver(context.metrics),
    };
    const boss = new PgBoss({ connectionString: context.config.DATABASE_URL, schema: 'pgboss', max: 4 });
    boss.on('error', (error) => context.logger.error({ err: error }, 'pg-boss failed'));
    const startRetries = async () => {
      await boss.start();
      // Replicas starting together on a new database can deadlock creating the queue (the chart runs two).
      await retryOnDeadlock(() => boss.createQueue(CHUNK_RETRY_QUEUE));
      await boss.work<ChunkRetryJob>(CHUNK_RETRY_QUEUE, { pollingIntervalSeconds: 0.5 }, async (jobs) => {
        for (const job of jobs) {
          await handleChunkRetry(job.data, { db: context.db, settings, logger: context.logger });
        }
      });
    };
    const relay = new OutboxRelay(context.db, context.publisher, context.logger);
    const stallSweep = new StallSweep({
      db: context.db,
      metrics: context.metrics,
      logger: context.logger,
      stallAfterMs: own.STEP_STALL_AFTER_MS,
      onResend: () => relay.wake(),
    });
    // A restarted orchestrator dispatches again as soon as it has joined its group: the retry queue, the
    // gauge and the stall sweep start meanwhile, and a step event waits only for the retry queue.
    const retriesStarted = startRetries();
    context.whileConsumersJoin(
      Promise.all([
        retriesStarted,
        relay.start(),
        refreshCampaignGauge(context.db, context.metrics),
        stallSweep.run(),
      ]),
    );

    context.consume<StepEvent>({
      groupId: 'status',
      topics: [Topic.stepEvents],
      handle: async ({ value }) => {
        await retriesStarted;
        await handleStepEvent(value, { db: context.db, boss, settings, logger: context.logger });
        relay.wake();
      },
      handleBatch: async (messages) => {
        await retriesStarted;
        await handleStepEvents(
          messages.map(({ value }) => value),
          { db: context.db, boss, settings, logger: context.logger },
        );
        relay.wake();
      },
    });

    campaignRoutes(context.http, {
      db: context.db,
      settings,
      stallAfterMs: own.STEP_STALL_AFTER_MS,
      onCommit: () => relay.wake(),
    });
    processRoutes(context.http, { db: context.db });

    const gauge = setInterval(
      () => void refreshCampaignGauge(context.db, context.metrics).catch(() => undefined),
      own.CAMPAIGN_GAUGE_INTERVAL_MS,
    );
    // Often enough that a stall shows within a third of the stall time.
    const stallCheck = setInterval(
      () => void stallSweep.run().catch((error) => context.logger.warn({ err: error }, 'stall sweep failed')),
      Math.min(own.CAMPAIGN_GAUGE_INTERVAL_MS, Math.ceil(own.STEP_STALL_AFTER_MS / 3)),
    );

    context.onStop(async () => {
      clearInterval(gauge);
      clearInterval(stallCheck);
      await boss.stop({ graceful: true, timeout: 10_000 });
      await relay.stop();
    });
  },
};
