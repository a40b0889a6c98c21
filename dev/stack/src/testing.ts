import {
  startBrokerProcess,
  startDevKafka,
  type BrokerProcess,
  type DevKafka,
} from '@campaign-pipeline/dev-kafka';
import {
  startDigitSimulator,
  type DigitSimulator,
  type DigitSimulatorOptions,
} from '@campaign-pipeline/dev-digit';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { campaignManager, CampaignClient } from './campaign-client.ts';
import { campaignLogExcerpt } from './campaign-log.ts';
import { chartMemorySettings } from './chart-values.ts';
import { onFreePort } from './ports.ts';
import { startPostgresProcess, type EmbeddedDatabase } from './postgres.ts';
import {
  COMPILE_CACHE_DIR,
  SERVICES,
  bundleServices,
  spawnService,
  stopService,
  waitUntilReady,
  type ServiceName,
  type ServiceProcess,
} from './services.ts';

// Real parts for tests: PostgreSQL, the dev broker and the DIGIT simulator on free ports in a temporary
// folder, and the services started through their real entry points.

export interface TestInfrastructure {
  dir: string;
  database: EmbeddedDatabase;
  kafka: DevKafka;
  digit: DigitSimulator;
  /** Variables a service needs to use these parts. */
  env: Record<string, string>;
  /** Kills the broker with SIGKILL and starts it again on the same ports and data (`killableBroker` only). */
  restartBroker(): Promise<void>;
  /** The broker's last consumer-group events, oldest first: rebalances and why, members removed. */
  brokerGroupEvents(): string[];
  stop(): Promise<void>;
}

export interface TestInfrastructureOptions {
  digit?: DigitSimulatorOptions;
  /** Where its temporary folder goes (the system's temporary folder by default). */
  tmpDir?: string;
  /** The broker in a child process with its log on disk, so it can be killed and restarted. */
  killableBroker?: boolean;
}

/** How many of the broker's group events a test infrastructure keeps for a failure to quote. */
const GROUP_EVENTS_KEPT = 60;

/** The broker's last log lines about consumer groups (those naming a group), as JSON lines. */
function groupEventLog() {
  const lines: string[] = [];
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > GROUP_EVENTS_KEPT) lines.shift();
  };
  return {
    /** A line of the broker in this process. */
    fromFields: (fields: Record<string, unknown>) => {
      if ('group' in fields) keep(JSON.stringify({ time: new Date().toISOString(), ...fields }));
    },
    /** A line of the broker's process, already JSON with its time. */
    fromLine: (line: string) => {
      if (line.includes('"group"')) keep(line);
    },
    lines: () => [...lines],
  };
}
type GroupEventLog = ReturnType<typeof groupEventLog>;

/** The dev broker as a child process on fixed ports after its first start, durable in `dataDir`. */
async function startKillableBroker(
  dataDir: string,
  events: GroupEventLog,
): Promise<DevKafka & { restart(): Promise<void> }> {
  const start = (port: number, registryPort: number) =>
    startBrokerProcess({
      dataDir,
      port,
      registryPort,
      defaultPartitions: 3,
      initialRebalanceDelayMs: 50,
      onLog: events.fromLine,
      // A restarted broker loads its code from the compile cache, as restarted services do.
      env: { NODE_COMPILE_CACHE: COMPILE_CACHE_DIR },
    });
  let broker: BrokerProcess = await start(0, 0);
  const port = Number(broker.brokers[0]?.split(':').pop());
  const registryPort = Number(new URL(broker.registryUrl).port);
  return {
    brokers: broker.brokers,
    registryUrl: broker.registryUrl,
    controlUrl: broker.controlUrl,
    restart: async () => {
      await broker.kill();
      broker = await start(port, registryPort);
    },
    stop: () => broker.stop(),
  };
}

/** Kafka timings that keep rebalances and redeliveries quick in tests. */
export const FAST_SERVICE_ENV: Record<string, string> = {
  KAFKA_SESSION_TIMEOUT_MS: '6000',
  KAFKA_HEARTBEAT_INTERVAL_MS: '500',
  KAFKA_MAX_WAIT_MS: '200',
  KAFKA_TOPIC_PARTITIONS: '3',
  SHUTDOWN_TIMEOUT_MS: '15000',
  DIGIT_TIMEOUT_MS: '5000',
  DIGIT_SEARCH_CONSISTENCY_MS: '300',
  // Small, so that the tests' writes waiting for a slot are stamped again before they are sent.
  DIGIT_ATTEMPT_STAMP_MAX_AGE_MS: '300',
  STEP_RETRY_BASE_MS: '200',
  STEP_RETRY_MAX_MS: '1000',
  LOG_LEVEL: 'info',
};

function startTestBroker(
  dir: string,
  killable: boolean,
  events: GroupEventLog,
): Promise<DevKafka & { restart?: () => Promise<void> }> {
  return killable
    ? startKillableBroker(path.join(dir, 'kafka'), events)
    : startDevKafka({
        host: '127.0.0.1',
        port: 0,
        registryPort: 0,
        initialRebalanceDelayMs: 50,
        log: events.fromFields,
      });
}

export async function startTestInfrastructure(
  options: TestInfrastructureOptions = {},
): Promise<TestInfrastructure> {
  const dir = await mkdtemp(path.join(options.tmpDir ?? os.tmpdir(), 'campaign-pipeline-'));
  // PostgreSQL runs as another user when the tests run as root: it must reach its folder.
  await chmod(dir, 0o755);
  const groupEvents = groupEventLog();
  const [startedDatabase, startedKafka, startedDigit] = await Promise.allSettled([
    onFreePort((port) => startPostgresProcess({ dataDir: path.join(dir, 'postgres'), port })),
    startTestBroker(dir, options.killableBroker ?? false, groupEvents),
    startDigitSimulator({ host: '127.0.0.1', port: 0, seed: { size: 'S' }, ...options.digit }),
  ]);
  if (
    startedDatabase.status === 'rejected' ||
    startedKafka.status === 'rejected' ||
    startedDigit.status === 'rejected'
  ) {
    // The parts that did start would outlive the failed start (PostgreSQL, a broker process, a server,
    // the folder): they are stopped and the folder removed before the failure is reported.
    const parts = [startedDatabase, startedKafka, startedDigit];
    await Promise.allSettled(
      parts.flatMap((part) => (part.status === 'fulfilled' ? [part.value.stop()] : [])),
    );
    await rm(dir, { recursive: true, force: true });
    throw parts.find((part): part is PromiseRejectedResult => part.status === 'rejected')?.reason;
  }
  const [database, kafka, digit] = [startedDatabase.value, startedKafka.value, startedDigit.value];
  const env = {
    DATABASE_URL: database.url,
    KAFKA_BROKERS: kafka.brokers.join(','),
    SCHEMA_REGISTRY_URL: kafka.registryUrl,
    DIGIT_HOST: digit.url,
    ...FAST_SERVICE_ENV,
  };
  return {
    dir,
    database,
    kafka,
    digit,
    env,
    restartBroker: async () => {
      if (!kafka.restart) throw new Error('the broker runs in this process: start with killableBroker');
      await kafka.restart();
    },
    brokerGroupEvents: groupEvents.lines,
    stop: async () => {
      await Promise.allSettled([digit.stop(), kafka.stop(), database.stop()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface StartOptions {
  /**
   * How long the process may take to answer /ready (45 s by default, within a test hook's time). One that
   * has not by then is killed, and the start fails.
   */
  readyWithinMs?: number;
}

export interface TestServices {
  /** The first process of each service. */
  processes: Map<ServiceName, ServiceProcess>;
  /** Every process, by instance: the service's name for the first, 'status-2' and on for more replicas. */
  instances: Map<string, { service: ServiceName; process: ServiceProcess }>;
  url(name: ServiceName): string;
  /** Every replica's URL of a service. */
  urls(name: ServiceName): string[];
  /** Starts (again) one service, e.g. after killing it. */
  start(name: ServiceName, options?: StartOptions): Promise<ServiceProcess>;
  /** Starts (again) one process, by its instance name. */
  startInstance(instance: string, options?: StartOptions): Promise<ServiceProcess>;
  /**
   * A client of their campaign API whose waits that time out add each process's last log lines of the
   * campaign to their failure.
   */
  client(): CampaignClient;
  stop(): Promise<void>;
}

/**
 * Starts the given services (all six by default), each on a port it chooses and reports, and waits until
 * each answers /ready as itself; fails at once, naming the service, when one dies while starting. A
 * service started again keeps its port, so URLs taken earlier stay valid. `replicas` runs more processes
 * of a service (e.g. `chartReplicas()`, as the chart deploys them).
 */
export async function startTestServices(
  infrastructure: TestInfrastructure,
  options: {
    names?: ServiceName[];
    env?: Record<string, string>;
    replicas?: Partial<Record<ServiceName, number>>;
    /** Bundled first and run as the image runs them (the benches); the tests run the sources. */
    bundled?: boolean;
  } = {},
): Promise<TestServices> {
  if (options.bundled) await bundleServices();
  const names = options.names ?? SERVICES.map((service) => service.name);
  const memorySettings = chartMemorySettings();
  const instances = new Map<string, { service: ServiceName; process: ServiceProcess }>();
  const plan = new Map<string, ServiceName>(
    names.flatMap((name) =>
      Array.from({ length: Math.max(1, options.replicas?.[name] ?? 1) }, (_, index) => [
        index === 0 ? name : `${name}-${index + 1}`,
        name,
      ]),
    ),
  );
  const startInstance = async (instance: string, start: StartOptions = {}) => {
    const name = plan.get(instance);
    if (!name) throw new Error(`no service instance ${instance}`);
    const service = await spawnService({
      name,
      ...(instance === name ? {} : { instance }),
      port: instances.get(instance)?.process.port ?? 0,
      env: { ...infrastructure.env, ...options.env },
      logDir: path.join(infrastructure.dir, 'logs'),
      memory: memorySettings[name],
      bundled: options.bundled ?? false,
    });
    instances.set(instance, { service: name, process: service });
    try {
      // Within a test hook's time, so that a start that hangs fails naming the service and quoting its log.
      await waitUntilReady(service, start.readyWithinMs ?? 45_000);
    } catch (error) {
      // Left running, a process still starting would later hold the port every next start of the
      // instance needs, and answer there unseen by whoever tracks the instance.
      service.child.kill('SIGKILL');
      await service.exited;
      throw await withBrokerGroups(error, name, infrastructure);
    }
    return service;
  };
  const stop = async () => {
    await Promise.all([...instances.values()].map(({ process }) => stopService(process, 20_000)));
  };
  try {
    await Promise.all([...plan.keys()].map((instance) => startInstance(instance)));
  } catch (error) {
    await stop();
    throw error;
  }
  const first = (name: ServiceName) => instances.get(name)?.process;
  const url = (name: ServiceName) => first(name)?.url ?? 'http://127.0.0.1:0';
  return {
    get processes() {
      return new Map(names.flatMap((name) => (first(name) ? [[name, first(name)!] as const] : [])));
    },
    instances,
    url,
    urls: (name) =>
      [...instances.values()].filter(({ service }) => service === name).map(({ process }) => process.url),
    start: (name, start) => startInstance(name, start),
    startInstance,
    client: () =>
      new CampaignClient(url('intake'), url('status'), campaignManager(), {
        explainWait: async (id) =>
          [
            await campaignLogExcerpt(
              [...instances].map(([instance, { process }]) => ({ instance, logFile: process.logFile })),
              id,
            ),
            await brokerView(infrastructure),
          ].join('\n'),
      }),
    stop,
  };
}

/**
 * A failed start's error with how the broker saw the service's consumer groups then (state, members and
 * what each waits for, member ids handed out but not used): a start that never gets ready most often
 * waits for a group.
 */
async function withBrokerGroups(
  error: unknown,
  service: string,
  infrastructure: TestInfrastructure,
): Promise<unknown> {
  if (!(error instanceof Error)) return error;
  error.message += `\n${await brokerView(infrastructure, service)}`;
  return error;
}

/** How the broker sees the consumer groups (of `service` only, when given), and its last group events. */
async function brokerView(infrastructure: TestInfrastructure, service?: string): Promise<string> {
  const events = infrastructure.brokerGroupEvents().map((line) => `  ${line}`);
  return [
    await brokerGroups(infrastructure.kafka.controlUrl, service),
    `the broker's last group events:`,
    ...events,
  ].join('\n');
}

/** The consumer groups the broker holds (of `service` only, when given), offsets left out. */
async function brokerGroups(controlUrl: string, service?: string): Promise<string> {
  try {
    const response = await fetch(`${controlUrl}/groups`, { signal: AbortSignal.timeout(2000) });
    const groups = (await response.json()) as { groupId: string }[];
    const shown = service ? groups.filter((group) => group.groupId.startsWith(service)) : groups;
    const text = JSON.stringify(shown, (key, value: unknown) => (key === 'offsets' ? undefined : value));
    return `the broker's groups${service ? ` of ${service}` : ''}: ${text}`;
  } catch (lookup) {
    return `the broker's groups could not be read: ${(lookup as Error).message}`;
  }
}
