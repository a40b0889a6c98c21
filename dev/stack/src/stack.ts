import { env, readConfig } from '@campaign-pipeline/shared';
import path from 'node:path';
import { startInfrastructure, type Endpoint, type Infrastructure } from './infrastructure.ts';
import {
  REPOSITORY_ROOT,
  SERVICES,
  spawnService,
  stopService,
  waitUntilReady,
  type ServiceProcess,
} from './services.ts';

/** Variables of the local stack itself (the services read their own, see the README). */
export function readStackConfig(source: NodeJS.ProcessEnv = process.env) {
  return readConfig(
    {
      STACK_DATA_DIR: env.string({ fallback: path.join(REPOSITORY_ROOT, '.data') }),
      EMBEDDED_POSTGRES_PORT: env.port({ fallback: 5433 }),
      DEV_KAFKA_PORT: env.port({ fallback: 9092 }),
      DEV_SCHEMA_REGISTRY_PORT: env.port({ fallback: 8081 }),
      DIGIT_SIMULATOR_PORT: env.port({ fallback: 8090 }),
      DIGIT_SEED_SIZE: env.oneOf(['S', 'M', 'L'] as const, { fallback: 'S' }),
      INTAKE_PORT: env.port({ fallback: 3001 }),
      PROJECT_SYNC_PORT: env.port({ fallback: 3002 }),
      FACILITY_SYNC_PORT: env.port({ fallback: 3003 }),
      USER_SYNC_PORT: env.port({ fallback: 3004 }),
      MAPPING_SYNC_PORT: env.port({ fallback: 3005 }),
      STATUS_PORT: env.port({ fallback: 3006 }),
    },
    source,
  );
}
export type StackConfig = ReturnType<typeof readStackConfig>;

export interface Stack {
  infrastructure: Infrastructure;
  services: ServiceProcess[];
  endpoints: Endpoint[];
  logDir: string;
  stop(): Promise<void>;
}

export interface StackOptions {
  config: StackConfig;
  env: NodeJS.ProcessEnv;
  /** Extra variables for every service (e.g. faster Kafka timings in tests). */
  serviceEnv?: Record<string, string>;
  inMemoryKafka?: boolean;
  log?: (line: string) => void;
}

function servicePort(config: StackConfig, name: string): number {
  const key = `${name.toUpperCase().replace('-', '_')}_PORT` as keyof StackConfig;
  return config[key] as number;
}

/** Infrastructure first, then the six services; resolves when every service answers /ready. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { config } = options;
  const infrastructure = await startInfrastructure({
    dataDir: config.STACK_DATA_DIR,
    env: options.env,
    ports: {
      postgres: config.EMBEDDED_POSTGRES_PORT,
      kafka: config.DEV_KAFKA_PORT,
      schemaRegistry: config.DEV_SCHEMA_REGISTRY_PORT,
      digit: config.DIGIT_SIMULATOR_PORT,
    },
    digitSeedSize: config.DIGIT_SEED_SIZE,
    inMemoryKafka: options.inMemoryKafka,
    log: options.log,
  });
  const logDir = path.join(config.STACK_DATA_DIR, 'logs');
  const services: ServiceProcess[] = [];
  const stop = async () => {
    await Promise.all(services.map((service) => stopService(service)));
    await infrastructure.stop();
  };
  try {
    for (const { name } of SERVICES) {
      services.push(
        await spawnService({
          name,
          port: servicePort(config, name),
          env: { ...infrastructure.env, ...options.serviceEnv },
          logDir,
        }),
      );
    }
    await Promise.all(services.map((service) => waitUntilReady(service)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { infrastructure, services, endpoints: infrastructure.endpoints, logDir, stop };
}
