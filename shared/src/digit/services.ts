import type { DigitServiceName, ServiceConfig } from '../config/service-config.ts';
import { DIGIT_SERVICES } from '../config/service-config.ts';
import type { Queryable } from '../db/database.ts';
import type { Logger } from '../logging/logger.ts';
import type { PipelineMetrics } from '../metrics/metrics.ts';
import type { CallBudget } from './call-budget.ts';
import { DigitClient } from './client.ts';
import { postgresCallBudget } from './postgres-call-budget.ts';

export type DigitClients = Record<DigitServiceName, DigitClient>;

/** The budget of calls a DIGIT service's client shares with other processes. */
export type CallBudgets = (service: DigitServiceName) => CallBudget;

/**
 * How long a slot's lease outlives the call's timeout: the answer is read and the slot given back well
 * within it, so only a slot of a process that died is ever taken over.
 */
const LEASE_MARGIN_MS = 10_000;

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
      metrics,
      logger,
      ...(budgets ? { budget: budgets(service) } : {}),
    });
  }
  return clients;
}

/**
 * The deployment's budget of each DIGIT service in PostgreSQL: as many slots as its configured
 * concurrency, which every process of a deployment shares.
 */
export function deploymentCallBudgets(db: Queryable, config: ServiceConfig, holder: string): CallBudgets {
  return (service) =>
    postgresCallBudget(db, {
      service,
      slots: config.digit[service].concurrency,
      holder,
      leaseMs: config.DIGIT_TIMEOUT_MS + LEASE_MARGIN_MS,
    });
}
