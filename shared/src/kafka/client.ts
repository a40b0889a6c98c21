import { Kafka, logLevel, type ITopicConfig, type LogEntry } from 'kafkajs';
import type { Logger } from '../logging/logger.ts';
import { ALL_TOPICS } from './topology.ts';

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
        kafkaLogger[LEVELS[level] ?? 'info'](extra, message);
      },
  });
}

/** Creates the pipeline's topics that do not exist yet; existing ones are left as they are. */
export async function ensureTopics(
  kafka: Kafka,
  options: { partitions: number; replicationFactor: number },
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics: ITopicConfig[] = ALL_TOPICS.filter((topic) => !existing.has(topic)).map((topic) => ({
      topic,
      numPartitions: options.partitions,
      replicationFactor: options.replicationFactor,
    }));
    if (topics.length > 0) await admin.createTopics({ topics, waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}
