import {
  OutboxRelay,
  STEP_COMMAND_TOPICS,
  Topic,
  silentObserver,
  type CampaignRequestMessage,
  type ServiceDefinition,
} from '@campaign-pipeline/shared';
import { createRoute } from './handlers/create-route.ts';
import { sheetRoute } from './handlers/sheet-route.ts';
import { handleCampaignRequest } from './handlers/request-consumer.ts';
import type { IntakeParts } from './domain/intake-campaign.ts';

export const service: ServiceDefinition = {
  name: 'intake',
  defaultPort: 3001,
  topics: [Topic.requests, ...STEP_COMMAND_TOPICS, Topic.status],
  async setup(context) {
    const { config } = context;
    const parts: IntakeParts = {
      db: context.db,
      digit: context.digit,
      logger: context.logger,
      // Intake starts runs; the status service retries them, so its attempts and backoff apply there.
      settings: {
        maxAttempts: 1,
        backoff: { baseMs: 1000, maxMs: 1000 },
        observer: {
          ...silentObserver,
          commandsDispatched: (step, count) =>
            context.metrics.stepCommands.inc({ step, outcome: 'started' }, count),
        },
      },
      chunkSize: config.CHUNK_SIZE,
      flow: config.CAMPAIGN_FLOW,
      sheetLimits: config.sheetLimits,
      rowsSettled: (entity, action, rows) => context.metrics.rowsProcessed.inc({ entity, action }, rows),
    };
    const relay = new OutboxRelay(context.db, context.publisher, context.logger);
    await relay.start();
    createRoute(context.http, parts, () => relay.wake());
    sheetRoute(context.http, parts);
    context.consume<CampaignRequestMessage>({
      groupId: 'intake',
      topics: [Topic.requests],
      handle: async ({ value }) => {
        await handleCampaignRequest(value, { ...parts, publisher: context.publisher });
        relay.wake();
      },
    });
    context.onStop(() => relay.stop());
  },
};
