// kafkajs clients tuned for fast, quiet tests against the dev broker.
import type { ConsumerConfig, KafkaConfig, logCreator } from 'kafkajs';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

/** Collects kafkajs ERROR lines so tests can show them when something fails. */
export const kafkajsErrors: string[] = [];

const quietLogger: logCreator = () => (entry) => {
  if (entry.level === logLevel.ERROR) kafkajsErrors.push(`${entry.namespace}: ${entry.log.message}`);
};

export function kafkaClient(brokers: string[], overrides: Partial<KafkaConfig> = {}) {
  return new Kafka({
    brokers,
    clientId: 'dev-kafka-test',
    logLevel: logLevel.ERROR,
    logCreator: quietLogger,
    retry: { initialRetryTime: 50, retries: 8 },
    ...overrides,
  });
}

export const FAST_CONSUMER: Omit<ConsumerConfig, 'groupId'> = {
  maxWaitTimeInMs: 200,
  heartbeatInterval: 300,
  sessionTimeout: 6000,
  rebalanceTimeout: 10000,
  retry: { initialRetryTime: 50, retries: 8 },
};

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let counter = 0;
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}-${Date.now().toString(36)}`;
}
