import { Kafka, logLevel, type Admin, type ITopicConfig, type LogEntry } from 'kafkajs';
import type { Logger } from '../logging/logger.ts';
import { ALL_TOPICS } from './topology.ts';
// Replaces the check kafkajs arms on every connection (see there) before any client connects.
import './request-queue.ts';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs warns at every start that an idempotent producer with bounded retries may break exactly-once
 * delivery. Ours are bounded on purpose: a send that cannot succeed fails, and the message that caused it
 * is handled again; duplicates are the handlers' to absorb, not the producer's.
 */
const BOUNDED_IDEMPOTENT_RETRIES =
  'Limiting retries for the idempotent producer may invalidate EoS guarantees';

export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: 3000,
    // A broker back after a restart is found within a second: doubling from 300 ms up to 30 s (kafkajs'
    // default) left clients waiting seconds for a broker that was already back. Still over 15 s of retries
    // before a client gives up, enough for a leader to move.
    retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 20 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        if (message === BOUNDED_IDEMPOTENT_RETRIES) return;
        kafkaLogger[LEVELS[level] ?? 'info'](extra, message);
      },
  });
}

/**
 * Creates the pipeline's topics that do not exist yet; existing ones are left as they are. Through the
 * service's own admin client, connected: a restart opens no connection of its own for it.
 */
export async function ensureTopics(
  admin: Admin,
  options: { partitions: number; replicationFactor: number },
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const topics: ITopicConfig[] = ALL_TOPICS.filter((topic) => !existing.has(topic)).map((topic) => ({
    topic,
    numPartitions: options.partitions,
    replicationFactor: options.replicationFactor,
  }));
  if (topics.length > 0) await admin.createTopics({ topics, waitForLeaders: true });
}
