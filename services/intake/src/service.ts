import {
  OutboxRelay,
  STEP_COMMAND_TOPICS,
  Topic,
  credentialsKey,
  env,
  readConfig,
  silentObserver,
  type CampaignRequestMessage,
  type ServiceDefinition,
} from '@campaign-pipeline/shared';
import { createRoute } from './handlers/create-route.ts';
import { sheetRoute } from './handlers/sheet-route.ts';
import { draftRoutes } from './handlers/draft-routes.ts';
import { dataRoutes } from './handlers/data-routes.ts';
import { expireCredentials } from './domain/resource-store.ts';
import { handleCampaignRequest } from './handlers/request-consumer.ts';
import type { IntakeParts } from './domain/intake-campaign.ts';

export const service: ServiceDefinition = {
  name: 'intake',
  defaultPort: 3001,
  topics: [Topic.requests, ...STEP_COMMAND_TOPICS, Topic.status],
  async setup(context) {
    const { config } = context;
    const own = readConfig({
      CREDENTIALS_KEY: env.string({ optional: true }),
      CREDENTIALS_TTL_MS: env.int({ fallback: 3_600_000, min: 1000, max: 30 * 86_400_000 }),
    });
    const credentials = { key: credentialsKey(own.CREDENTIALS_KEY), ttlMs: own.CREDENTIALS_TTL_MS };
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
      chunks: {
        maxRows: config.CHUNK_SIZE,
        minRows: config.CHUNK_MIN_ROWS,
        concurrency: config.DIGIT_CONCURRENCY,
      },
      flow: config.CAMPAIGN_FLOW,
      sheetLimits: config.sheetLimits,
      templateMaxFacilities: config.TEMPLATE_MAX_FACILITIES,
      rowsSettled: (entity, action, rows) => context.metrics.rowsProcessed.inc({ entity, action }, rows),
    };
    const relay = new OutboxRelay(context.db, context.publisher, context.logger);
    await relay.start();
    createRoute(context.http, parts, () => relay.wake());
    sheetRoute(context.http, parts);
    draftRoutes(context.http, parts, () => relay.wake());
    dataRoutes(context.http, parts, credentials);
    const expiry = setInterval(
      () => void expireCredentials(context.db).catch(() => undefined),
      Math.min(credentials.ttlMs, 60_000),
    );
    context.consume<CampaignRequestMessage>({
      groupId: 'intake',
      topics: [Topic.requests],
      handle: async ({ value }) => {
        await handleCampaignRequest(value, { ...parts, publisher: context.publisher });
        relay.wake();
      },
    });
    context.onStop(async () => {
      clearInterval(expiry);
      await relay.stop();
    });
  },
};
