import nodeModule from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { ConfigError } from '../config/env.ts';
import { readServiceConfig, type ServiceConfig } from '../config/service-config.ts';
import { createDatabase, migrate, openConnections, type Database } from '../db/database.ts';
import { SessionLocks } from '../db/session-locks.ts';
import { createDigitClients, deploymentCallBudgets, type DigitClients } from '../digit/services.ts';
import { createHttpServer } from '../http/server.ts';
import { AvroCodec } from '../kafka/avro.ts';
import { createKafka, ensureTopics } from '../kafka/client.ts';
import {
  TopicConsumer,
  type BatchHandler,
  type ConsumedMessage,
  type MessageHandler,
} from '../kafka/consumer.ts';
import { postgresDeliveryLog, type DeliveryLog } from '../kafka/delivery-log.ts';
import { postgresGroupMemberships } from '../kafka/group-membership.ts';
import { Publisher } from '../kafka/publisher.ts';
import type { AvroTopic } from '../kafka/topology.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { enableCrashReports, processName, takeCrashReports } from './crash-reports.ts';
import { StartupClock } from './startup-clock.ts';
import { untilReachable } from './until-reachable.ts';
import { serviceStarted } from './supervision.ts';
import { createPipelineMetrics, type PipelineMetrics } from '../metrics/metrics.ts';

export interface ConsumerSpec<T> {
  groupId: string;
  topics: AvroTopic[];
  handle: MessageHandler<T>;
  /** Messages already waiting in a partition, handled together (each alone again when it fails). */
  handleBatch?: BatchHandler<T>;
  /** Which message starts first, the lowest number first (see TopicConsumerOptions.priority). */
  priority?: (message: KafkaMessage) => number;
  /** After a message is dead-lettered for crashing the consumer (see TopicConsumerOptions). */
  onCrashedConsumer?: (message: ConsumedMessage<T>) => Promise<void>;
}

/** What a service's setup gets: every connection already open, schemas registered. */
export interface ServiceContext {
  name: string;
  config: ServiceConfig;
  logger: Logger;
  metrics: PipelineMetrics;
  db: Database;
  kafka: Kafka;
  codec: AvroCodec;
  publisher: Publisher;
  digit: DigitClients;
  /** The process's session locks of chunk runs, on a connection of their own. */
  locks: SessionLocks;
  http: FastifyInstance;
  /** Declares a consumer; it starts after the HTTP server listens and stops first on shutdown. */
  consume<T>(spec: ConsumerSpec<T>): void;
  /** Work to run on shutdown after the consumers stopped (timers, pools of the service's own). */
  onStop(hook: () => Promise<void> | void): void;
  /**
   * Starting work the consumers need not wait for: it runs while they join, the service is ready only
   * once it is done, and its failure fails the start.
   */
  whileConsumersJoin(work: Promise<unknown>): void;
}

export interface ServiceDefinition {
  name: string;
  defaultPort: number;
  /** Topics whose value schemas this service encodes or decodes. */
  topics: AvroTopic[];
  /**
   * Database connections kept open while idle once opened (at most the pool): as many as its work runs
   * queries at once. Half the pool when not given.
   */
  keptConnections?: (config: ServiceConfig) => number;
  setup(context: ServiceContext): Promise<void>;
}

export interface RunningService {
  context: ServiceContext;
  url: string;
  /** The port it listens on: the configured one, or the one the system chose for PORT=0. */
  port: number;
  /**
   * Settles if one of its consumers stopped for good (kafkajs does not restart a consumer after a crash it
   * deems not retriable): the process then consumes nothing of that topic, so it should stop and exit for
   * its supervisor to start it again.
   */
  consumerStopped: Promise<Error>;
  stop(): Promise<void>;
}

/**
 * Charges the messages that earlier processes of the service were handling when they died of a fatal
 * error (their crash reports), forgets what an earlier process of this name was handling, and asks
 * Node for a report should this process die so.
 */
async function startDeliveryLog(db: Database, reportDir: string, logger: Logger): Promise<DeliveryLog> {
  const deliveryLog = postgresDeliveryLog(db);
  const { unreadable } = await takeCrashReports(reportDir, async (report) => {
    const messages = await deliveryLog.chargeCrash(report.process);
    logger.error(
      { process: report.process, event: report.event, at: report.at, messages },
      'an earlier process died of a fatal error while handling these messages',
    );
  });
  for (const file of unreadable) logger.warn({ file, reportDir }, 'removed a file that is no crash report');
  await deliveryLog.release(processName());
  if (!(await enableCrashReports(reportDir)))
    logger.warn(
      'crash reports are off (start node with --report-exclude-env): a message whose handling kills the process will not be recognised',
    );
  return deliveryLog;
}

/**
 * The process's session locks, held on connections of their own apart from the service's pool: a lock
 * is never kept waiting behind work that itself waits (for DIGIT, for another lock), and the locks of a
 * process that dies are freed with its connection. The DIGIT call slots, taken and given back around
 * every call, have a connection apart from the chunk runs' locks, so that a wave of chunks starting
 * together does not hold the calls' slots back.
 */
function startSessionLocks(config: ServiceConfig, logger: Logger) {
  const db = createDatabase(config.DATABASE_URL, 2, logger);
  const chunkRuns = new SessionLocks(db);
  const callSlots = new SessionLocks(db);
  return {
    chunkRuns,
    callSlots,
    /** Opens the connections now; the call slots' only when the deployment's budgets use them. */
    open: (slotsUsed: boolean) => Promise.all([chunkRuns.open(), slotsUsed ? callSlots.open() : undefined]),
    stop: async () => {
      await Promise.all([chunkRuns.close(), callSlots.close()]);
      await db.end();
    },
  };
}

/** How long a starting service waits for Kafka and the schema registry (a broker restarting) before it fails. */
const KAFKA_START_WITHIN_MS = 60_000;

/** Starts a service: config, logging, metrics, database and migrations, Kafka, schemas, HTTP, consumers. */
export async function startService(
  definition: ServiceDefinition,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningService> {
  // Where a restart's time goes, in the 'service ready' line.
  const startup = new StartupClock();
  const config = readServiceConfig(definition.defaultPort, env);
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  const metrics = createPipelineMetrics(definition.name);
  const kafka = createKafka(
    { brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? definition.name },
    logger,
  );
  const codec = new AvroCodec(config.SCHEMA_REGISTRY_URL);
  const publisher = new Publisher(kafka, codec, logger, {
    duplicateDelivery: config.KAFKA_DUPLICATE_DELIVERY,
  });
  const admin: Admin = kafka.admin();
  // The database, the schema registry and Kafka do not depend on each other: a restart waits for the
  // slowest, not for all in turn.
  await Promise.all([
    migrate(config.DATABASE_URL, logger).then(() => startup.mark('database')),
    (async () => {
      const reach = { withinMs: KAFKA_START_WITHIN_MS, logger };
      await Promise.all([
        untilReachable('the schema registry', () => codec.registerTopics(definition.topics), reach),
        untilReachable(
          'Kafka',
          async () => {
            const topics = async () => {
              await admin.connect();
              if (config.KAFKA_CREATE_TOPICS) {
                await ensureTopics(admin, {
                  partitions: config.KAFKA_TOPIC_PARTITIONS,
                  replicationFactor: config.KAFKA_REPLICATION_FACTOR,
                });
              }
            };
            await Promise.all([topics(), publisher.connect()]);
          },
          reach,
        ),
      ]);
      startup.mark('kafka');
      logger.info({ topics: definition.topics.length }, 'connected to Kafka, schemas registered');
    })(),
  ]);
  // Connections, once opened, stay open while idle, so that a campaign's first chunks do not wait for
  // PostgreSQL to start them (100-300 ms each on a busy machine). They are opened once the service is
  // ready, one at a time: opened before, they slowed restarts under the chaos bench's load.
  const keptConnections = definition.keptConnections?.(config) ?? Math.ceil(config.DATABASE_POOL_SIZE / 2);
  const db = createDatabase(config.DATABASE_URL, config.DATABASE_POOL_SIZE, logger, keptConnections);
  const sessionLocks = startSessionLocks(config, logger);
  // The deployment's budgets of DIGIT calls, as slots among the session locks; none when each process
  // keeps its own limit.
  const callBudgets =
    config.DIGIT_BUDGET === 'deployment' ? deploymentCallBudgets(sessionLocks.callSlots, config) : undefined;
  let consumersJoined = false;
  let startingWorkDone = false;
  let stoppedConsumer: Error | undefined;
  let consumerStoppedForGood: (error: Error) => void = () => undefined;
  const consumerStopped = new Promise<Error>((resolve) => (consumerStoppedForGood = resolve));
  const http = createHttpServer({
    identity: { service: definition.name, pid: process.pid },
    logger,
    registry: metrics.registry,
    readiness: [
      { name: 'postgres', check: async () => void (await db.query('SELECT 1')) },
      { name: 'kafka', check: async () => void (await admin.describeCluster()) },
      {
        name: 'consumers',
        check: async () => {
          if (stoppedConsumer) throw new Error(`a consumer stopped for good: ${stoppedConsumer.message}`);
          if (!consumersJoined) throw new Error('the consumer groups are not joined yet');
          if (!startingWorkDone) throw new Error('the service is still starting');
        },
      },
    ],
  });
  const consumerSpecs: ConsumerSpec<unknown>[] = [];
  const stopHooks: (() => Promise<void> | void)[] = [];
  const alongsideConsumers: Promise<unknown>[] = [];
  const context: ServiceContext = {
    name: definition.name,
    config,
    logger,
    metrics,
    db,
    kafka,
    codec,
    publisher,
    digit: createDigitClients(config, metrics, logger, callBudgets),
    locks: sessionLocks.chunkRuns,
    http,
    consume: (spec) => consumerSpecs.push(spec as ConsumerSpec<unknown>),
    onStop: (hook) => stopHooks.push(hook),
    whileConsumersJoin: (work) => {
      // Rejections are reported when the start awaits it, not as unhandled meanwhile.
      work.catch(() => undefined);
      alongsideConsumers.push(work);
    },
  };
  await definition.setup(context);
  startup.mark('setup');
  context.whileConsumersJoin(sessionLocks.open(callBudgets !== undefined));
  const startConsumers = async () => {
    const deliveryLog = await startDeliveryLog(
      db,
      config.CRASH_REPORT_DIR ??
        path.join(os.tmpdir(), 'campaign-pipeline', definition.name, 'crash-reports'),
      logger,
    );
    const memberships = postgresGroupMemberships(db, config.KAFKA_INSTANCE_ID ?? os.hostname());
    const started = consumerSpecs.map(
      (spec) =>
        new TopicConsumer({
          kafka,
          codec,
          publisher,
          logger,
          metrics,
          groupId: spec.groupId,
          topics: spec.topics,
          handle: spec.handle,
          ...(spec.handleBatch ? { handleBatch: spec.handleBatch } : {}),
          ...(spec.priority ? { priority: spec.priority } : {}),
          ...(spec.onCrashedConsumer ? { onCrashedConsumer: spec.onCrashedConsumer } : {}),
          sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
          heartbeatIntervalMs: config.KAFKA_HEARTBEAT_INTERVAL_MS,
          maxWaitTimeMs: config.KAFKA_MAX_WAIT_MS,
          partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY,
          deliveryLog,
          processName: processName(),
          maxCrashes: config.KAFKA_MAX_HANDLER_CRASHES,
          predecessors: { memberships, admin },
          onStopped: (error) => {
            stoppedConsumer ??= error;
            consumerStoppedForGood(error);
          },
        }),
    );
    // The groups join together: a join may wait for a rebalance, or for a member that could not be removed.
    await Promise.all(started.map((consumer) => consumer.start()));
    consumersJoined = true;
    startup.mark('consumers');
    return started;
  };
  // Consuming does not need the HTTP server: a restarted worker takes its partitions back while the
  // server compiles its routes.
  const [address, consumers] = await Promise.all([
    http.listen({ port: config.PORT, host: config.HOST }).then((url) => {
      startup.mark('listening');
      return url;
    }),
    startConsumers(),
    Promise.all(alongsideConsumers).then(() => (startingWorkDone = true)),
  ]);
  const listening = http.server.address();
  const port = typeof listening === 'object' && listening ? listening.port : config.PORT;
  logger.info(
    {
      url: address,
      port,
      consumers: consumerSpecs.map((spec) => spec.groupId),
      startupMs: startup.milestones(),
    },
    'service ready',
  );
  // Node writes its compile cache (NODE_COMPILE_CACHE) only at exit, which a killed process never reaches.
  nodeModule.flushCompileCache?.();
  void openConnections(db, keptConnections).catch((error: unknown) =>
    logger.warn({ err: error }, 'opening the kept database connections failed; they open when needed'),
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info('stopping: no new work is fetched, work in flight finishes');
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      for (const hook of stopHooks) await hook();
      await http.close();
      await publisher.disconnect();
      await admin.disconnect();
      await db.end();
      await sessionLocks.stop();
      logger.info('stopped');
    })();
    return stopping;
  };
  return { context, url: address, port, consumerStopped, stop };
}

/**
 * The entry point of a service process: starts it, stops it gracefully on SIGTERM or SIGINT within the
 * configured bound, and exits non-zero with a one-line message when the configuration is wrong.
 */
export async function runService(definition: ServiceDefinition): Promise<void> {
  let service: RunningService;
  try {
    service = await startService(definition);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${definition.name}: invalid configuration: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${definition.name}: failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  }
  const { logger } = service.context;
  const bound = service.context.config.SHUTDOWN_TIMEOUT_MS;
  const shutdown = (signal: string, exitCode = 0) => {
    logger.info({ signal, boundMs: bound }, 'shutdown requested');
    const timer = setTimeout(() => {
      logger.error({ boundMs: bound }, 'shutdown did not finish in time, exiting');
      process.exit(1);
    }, bound);
    timer.unref();
    service.stop().then(
      () => process.exit(exitCode),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  void service.consumerStopped.then((error) => {
    logger.error(
      { err: error },
      'a consumer stopped for good: stopping, for the supervisor to start it again',
    );
    shutdown('consumer stopped', 1);
  });
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  // Started by a supervisor over IPC (the local stack): tell it where we listen, and stop when it goes
  // away, so no process is orphaned.
  if (process.send) {
    process.send(serviceStarted(definition.name, process.pid, service.port));
    process.once('disconnect', () => shutdown('supervisor disconnected'));
  }
}
