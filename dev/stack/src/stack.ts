import { env, readConfig } from '@campaign-pipeline/shared';
import path from 'node:path';
import { startInfrastructure, type Endpoint, type Infrastructure } from './infrastructure.ts';
import { startGateway, type Gateway } from './gateway.ts';
import { chartMemorySettings } from './chart-values.ts';
import { onFreePort } from './ports.ts';
import { REPOSITORY_ROOT, SERVICES, bundleServices } from './services.ts';
import { superviseService, type SupervisedService, type SupervisionEvent } from './supervisor.ts';

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
      GATEWAY_PORT: env.port({ fallback: 3000 }),
    },
    source,
  );
}
export type StackConfig = ReturnType<typeof readStackConfig>;

export interface Stack {
  infrastructure: Infrastructure;
  services: SupervisedService[];
  /** project-factory's API at one base URL, each path routed to the service owning it. */
  gateway: Gateway;
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
  /** A service died after the stack was ready, failed to restart, or is ready again. */
  onServiceEvent?: (event: SupervisionEvent) => void;
}

function servicePort(config: StackConfig, name: string): number {
  const key = `${name.toUpperCase().replace('-', '_')}_PORT` as keyof StackConfig;
  return config[key] as number;
}

/**
 * Infrastructure (and the services' bundle, beside it) first, then the six services from the bundle as
 * the image runs them, each supervised (restarted with backoff when it dies);
 * resolves when every service answers /ready as itself, and fails at once, naming it, when one dies
 * during start-up. Port 0 lets a service choose a free port and report it.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { config } = options;
  const postgresPort = config.EMBEDDED_POSTGRES_PORT;
  const start = (port: number) =>
    startInfrastructure({
      dataDir: config.STACK_DATA_DIR,
      env: options.env,
      ports: {
        postgres: port,
        kafka: config.DEV_KAFKA_PORT,
        schemaRegistry: config.DEV_SCHEMA_REGISTRY_PORT,
        digit: config.DIGIT_SIMULATOR_PORT,
      },
      digitSeedSize: config.DIGIT_SEED_SIZE,
      inMemoryKafka: options.inMemoryKafka,
      log: options.log,
    });
  const [infrastructure] = await Promise.all([
    postgresPort === 0 ? onFreePort(start) : start(postgresPort),
    bundleServices(),
  ]);
  const logDir = path.join(config.STACK_DATA_DIR, 'logs');
  const memorySettings = chartMemorySettings();
  const services: SupervisedService[] = [];
  const stop = async () => {
    await Promise.all(services.map((service) => service.stop()));
    await infrastructure.stop();
  };
  // The first service that fails to start fails the stack at once: the others still starting are
  // abandoned, and every process is gone before the failure is reported.
  const abandon = new AbortController();
  let failure: { error: unknown } | undefined;
  const starts = SERVICES.map(({ name }) =>
    superviseService({
      name,
      port: servicePort(config, name),
      env: { ...infrastructure.env, ...options.serviceEnv },
      logDir,
      memory: memorySettings[name],
      bundled: true,
      onEvent: (event) => options.onServiceEvent?.(event),
      abandon: abandon.signal,
    }).then(
      (service) => void services.push(service),
      (error: unknown) => {
        failure ??= { error };
        abandon.abort();
      },
    ),
  );
  await Promise.all(starts);
  if (failure) {
    await stop();
    throw failure.error;
  }
  services.sort((a, b) => serviceOrder(a.name) - serviceOrder(b.name));
  const gateway = await startGateway({
    port: config.GATEWAY_PORT,
    urlOf: (name) => services.find((service) => service.name === name)?.current.url ?? '',
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  const stopAll = async () => {
    await gateway.stop();
    await stop();
  };
  return { infrastructure, services, gateway, endpoints: infrastructure.endpoints, logDir, stop: stopAll };
}

function serviceOrder(name: string): number {
  return SERVICES.findIndex((service) => service.name === name);
}
