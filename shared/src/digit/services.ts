import type { DigitServiceName, ServiceConfig } from '../config/service-config.ts';
import { DIGIT_SERVICES } from '../config/service-config.ts';
import type { SessionLocks } from '../db/session-locks.ts';
import type { Logger } from '../logging/logger.ts';
import type { PipelineMetrics } from '../metrics/metrics.ts';
import type { CallBudget } from './call-budget.ts';
import { DigitClient } from './client.ts';
import { postgresCallBudget } from './postgres-call-budget.ts';

export type DigitClients = Record<DigitServiceName, DigitClient>;

/** The budget of calls a DIGIT service's client shares with other processes. */
export type CallBudgets = (service: DigitServiceName) => CallBudget;

/** One client per DIGIT service, each with its own host and concurrency limit, and its budget if given. */
export function createDigitClients(
  config: ServiceConfig,
  metrics: PipelineMetrics,
  logger: Logger,
  budgets?: CallBudgets,
): DigitClients {
  const clients = {} as DigitClients;
  for (const service of DIGIT_SERVICES) {
    clients[service] = new DigitClient({
      service,
      baseUrl: config.digit[service].host,
      concurrency: config.digit[service].concurrency,
      timeoutMs: config.DIGIT_TIMEOUT_MS,
      retries: config.DIGIT_RETRIES,
      // A write may still be applied this long after its timeout: DIGIT is busy with it until then.
      unansweredHoldMs: config.DIGIT_SEARCH_CONSISTENCY_MS,
      metrics,
      logger,
      ...(budgets ? { budget: budgets(service) } : {}),
    });
  }
  return clients;
}

/**
 * The deployment's budget of each DIGIT service in PostgreSQL: as many slots as its configured
 * concurrency, which every process of a deployment shares, held on the process's slot connection.
 */
export function deploymentCallBudgets(locks: SessionLocks, config: ServiceConfig): CallBudgets {
  return (service) => postgresCallBudget(locks, { service, slots: config.digit[service].concurrency });
}
