import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const STEP_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
const REQUEST_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const WAIT_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The pipeline's own metrics, declared once so every service exposes the same names. */
export function createPipelineMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    stepCommands: new Counter({
      name: 'campaign_step_commands_total',
      help: 'Step commands by step and outcome (started, completed, failed, skipped).',
      labelNames: ['step', 'outcome'] as const,
      registers,
    }),
    stepDuration: new Histogram({
      name: 'campaign_step_duration_seconds',
      help: 'Time from a step being started to its completion or failure.',
      labelNames: ['step', 'outcome'] as const,
      buckets: STEP_SECONDS,
      registers,
    }),
    chunkDuration: new Histogram({
      name: 'campaign_step_chunk_duration_seconds',
      help: 'Time a worker spent on one chunk of a step.',
      labelNames: ['step', 'outcome'] as const,
      buckets: STEP_SECONDS,
      registers,
    }),
    workerChunks: new Gauge({
      name: 'campaign_worker_chunks',
      help: 'Chunks a worker is running now, by step (at most KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY each).',
      labelNames: ['step'] as const,
      registers,
    }),
    rowsProcessed: new Counter({
      name: 'campaign_rows_processed_total',
      help: 'Entity rows processed by entity and action (created, updated, deactivated, adopted, unchanged, failed).',
      labelNames: ['entity', 'action'] as const,
      registers,
    }),
    digitRequestDuration: new Histogram({
      name: 'digit_request_duration_seconds',
      help: 'Duration of calls to DIGIT services by service, endpoint and HTTP status.',
      labelNames: ['digit_service', 'endpoint', 'status'] as const,
      buckets: REQUEST_SECONDS,
      registers,
    }),
    digitRequestErrors: new Counter({
      name: 'digit_request_errors_total',
      help: 'Failed calls to DIGIT services by service, endpoint and reason (status code or network error).',
      labelNames: ['digit_service', 'endpoint', 'reason'] as const,
      registers,
    }),
    digitSlotWait: new Histogram({
      name: 'digit_call_slot_wait_seconds',
      help: "Time each attempt of a call to a DIGIT service waited to run: for the process's limit, then for a slot of the deployment's budget.",
      labelNames: ['digit_service'] as const,
      buckets: WAIT_SECONDS,
      registers,
    }),
    consumerLag: new Gauge({
      name: 'kafka_consumer_lag_messages',
      help: 'Messages behind the end of the partition, per consumer group, topic and partition.',
      labelNames: ['group', 'topic', 'partition'] as const,
      registers,
    }),
    messagesConsumed: new Counter({
      name: 'kafka_messages_consumed_total',
      help: 'Messages handled by consumers, by topic and outcome (handled, dead_lettered).',
      labelNames: ['topic', 'outcome'] as const,
      registers,
    }),
    dlqMessages: new Counter({
      name: 'campaign_dlq_messages_total',
      help: 'Messages routed to campaign.dlq, by source topic and reason.',
      labelNames: ['topic', 'reason'] as const,
      registers,
    }),
    stepsStalled: new Gauge({
      name: 'campaign_steps_stalled',
      help: 'Started steps of creating campaigns with no chunk dispatched or answered for STEP_STALL_AFTER_MS, by step and the worker that has not answered.',
      labelNames: ['step', 'worker'] as const,
      registers,
    }),
    chunkCommandsResent: new Counter({
      name: 'campaign_chunk_commands_resent_total',
      help: 'Commands of unanswered chunks of stalled steps sent again, by step and the worker that had not answered.',
      labelNames: ['step', 'worker'] as const,
      registers,
    }),
    campaignsByStatus: new Gauge({
      name: 'campaigns_by_status',
      help: 'Campaigns in the database by status and active flag.',
      labelNames: ['status', 'active'] as const,
      registers,
    }),
    campaignDuration: new Histogram({
      name: 'campaign_duration_seconds',
      help: 'Time from a campaign being accepted to it being created or failed.',
      labelNames: ['outcome'] as const,
      buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400],
      registers,
    }),
  };
}

export type PipelineMetrics = ReturnType<typeof createPipelineMetrics>;
