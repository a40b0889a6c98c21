import type { DigitServiceName, ServiceConfig } from '../config/service-config.ts';
import { DIGIT_SERVICES } from '../config/service-config.ts';
import type { Logger } from '../logging/logger.ts';
import type { PipelineMetrics } from '../metrics/metrics.ts';
import { DigitClient } from './client.ts';

export type DigitClients = Record<DigitServiceName, DigitClient>;

/** One client per DIGIT service, each with its own host and concurrency limit. */
export function createDigitClients(
  config: ServiceConfig,
  metrics: PipelineMetrics,
  logger: Logger,
): DigitClients {
  const clients = {} as DigitClients;
  for (const service of DIGIT_SERVICES) {
    clients[service] = new DigitClient({
      service,
      baseUrl: config.digit[service].host,
      concurrency: config.digit[service].concurrency,
      timeoutMs: config.DIGIT_TIMEOUT_MS,
      retries: config.DIGIT_RETRIES,
      metrics,
      logger,
    });
  }
  return clients;
}
