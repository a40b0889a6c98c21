import { startDevKafka } from '@campaign-pipeline/dev-kafka';
import { startDigitSimulator } from '@campaign-pipeline/dev-digit';
import path from 'node:path';
import { startPostgresProcess } from './postgres.ts';

export interface InfrastructureOptions {
  /** Where embedded PostgreSQL and the dev broker keep their data. */
  dataDir: string;
  /** Variables already set by the user; DATABASE_URL, KAFKA_BROKERS + SCHEMA_REGISTRY_URL and DIGIT_HOST replace the embedded parts. */
  env: NodeJS.ProcessEnv;
  ports: { postgres: number; kafka: number; schemaRegistry: number; digit: number };
  /** Seed size of the DIGIT simulator's boundary hierarchy. */
  digitSeedSize?: 'S' | 'M' | 'L';
  /** Keep the broker's log in memory (tests); otherwise it is durable in dataDir. */
  inMemoryKafka?: boolean;
  log?: (line: string) => void;
}

export interface Endpoint {
  name: string;
  url: string;
  embedded: boolean;
}

export interface Infrastructure {
  /** Variables the services need to reach PostgreSQL, Kafka, the schema registry and DIGIT. */
  env: Record<string, string>;
  endpoints: Endpoint[];
  stop(): Promise<void>;
}

/** Starts what the services depend on, except the parts the environment points elsewhere. */
export async function startInfrastructure(options: InfrastructureOptions): Promise<Infrastructure> {
  const stops: (() => Promise<void>)[] = [];
  const endpoints: Endpoint[] = [];
  const env: Record<string, string> = {};
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne().catch(() => undefined);
  };
  try {
    if (options.env.DATABASE_URL) {
      env.DATABASE_URL = options.env.DATABASE_URL;
      endpoints.push({ name: 'PostgreSQL', url: redactUrl(options.env.DATABASE_URL), embedded: false });
    } else {
      const database = await startPostgresProcess({
        dataDir: path.join(options.dataDir, 'postgres'),
        port: options.ports.postgres,
        log: options.log,
      });
      stops.push(database.stop);
      env.DATABASE_URL = database.url;
      endpoints.push({ name: 'PostgreSQL (embedded)', url: redactUrl(database.url), embedded: true });
    }

    if (options.env.KAFKA_BROKERS && options.env.SCHEMA_REGISTRY_URL) {
      env.KAFKA_BROKERS = options.env.KAFKA_BROKERS;
      env.SCHEMA_REGISTRY_URL = options.env.SCHEMA_REGISTRY_URL;
      endpoints.push({ name: 'Kafka', url: options.env.KAFKA_BROKERS, embedded: false });
      endpoints.push({ name: 'Schema registry', url: options.env.SCHEMA_REGISTRY_URL, embedded: false });
    } else {
      const kafka = await startDevKafka({
        host: '127.0.0.1',
        port: options.ports.kafka,
        registryPort: options.ports.schemaRegistry,
        ...(options.inMemoryKafka ? {} : { dataDir: path.join(options.dataDir, 'kafka') }),
      });
      stops.push(() => kafka.stop());
      env.KAFKA_BROKERS = kafka.brokers.join(',');
      env.SCHEMA_REGISTRY_URL = kafka.registryUrl;
      endpoints.push({ name: 'Kafka (dev broker)', url: env.KAFKA_BROKERS, embedded: true });
      endpoints.push({ name: 'Schema registry (dev)', url: kafka.registryUrl, embedded: true });
      endpoints.push({ name: 'Kafka control API (dev)', url: kafka.controlUrl, embedded: true });
    }

    if (options.env.DIGIT_HOST) {
      env.DIGIT_HOST = options.env.DIGIT_HOST;
      endpoints.push({ name: 'DIGIT', url: options.env.DIGIT_HOST, embedded: false });
    } else {
      const digit = await startDigitSimulator({
        host: '127.0.0.1',
        port: options.ports.digit,
        seed: { size: options.digitSeedSize ?? 'S' },
        // The simulator forgets everything when it stops while the embedded database keeps campaigns:
        // its id sequences start somewhere new each time, so campaign numbers are not handed out again.
        idSequenceStart: Math.floor(Date.now() / 1000) % 900_000,
      });
      stops.push(() => digit.stop());
      env.DIGIT_HOST = digit.url;
      endpoints.push({ name: 'DIGIT simulator', url: digit.url, embedded: true });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { env, endpoints, stop };
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[unparseable URL]';
  }
}
