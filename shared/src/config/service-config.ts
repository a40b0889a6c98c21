import { ConfigError, env, readConfig } from './env.ts';
import { readSheetLimits } from './sheet-limits.ts';

/** The DIGIT services the pipeline calls; each has its own host and concurrency limit. */
export const DIGIT_SERVICES = [
  'boundary',
  'mdms',
  'filestore',
  'project',
  'facility',
  'hrms',
  'product',
  'idgen',
] as const;
export type DigitServiceName = (typeof DIGIT_SERVICES)[number];

export interface DigitServiceConfig {
  host: string;
  concurrency: number;
}

/** Configuration every service shares. */
export function readServiceConfig(defaultPort: number, source: NodeJS.ProcessEnv = process.env) {
  const base = readConfig(
    {
      PORT: env.port({ fallback: defaultPort }),
      HOST: env.string({ fallback: '0.0.0.0' }),
      LOG_LEVEL: env.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, {
        fallback: 'info',
      }),
      DATABASE_URL: env.url({ protocols: ['postgres:', 'postgresql:'] }),
      DATABASE_POOL_SIZE: env.int({ fallback: 10, min: 1, max: 200 }),
      KAFKA_BROKERS: env.hostPorts(),
      KAFKA_CLIENT_ID: env.string({ optional: true }),
      SCHEMA_REGISTRY_URL: env.url(),
      KAFKA_CREATE_TOPICS: env.bool({ fallback: true }),
      KAFKA_TOPIC_PARTITIONS: env.int({ fallback: 12, min: 1, max: 1000 }),
      KAFKA_REPLICATION_FACTOR: env.int({ fallback: 1, min: 1, max: 10 }),
      KAFKA_SESSION_TIMEOUT_MS: env.int({ fallback: 30_000, min: 1000, max: 600_000 }),
      KAFKA_HEARTBEAT_INTERVAL_MS: env.int({ fallback: 3000, min: 100, max: 60_000 }),
      KAFKA_MAX_WAIT_MS: env.int({ fallback: 1000, min: 10, max: 30_000 }),
      /**
       * Messages a consumer handles at once: a worker runs that many chunks side by side. Twice the
       * largest DIGIT concurrency when not given (see chunksInHand).
       */
      KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: env.int({ optional: true, min: 1, max: 64 }),
      /** Fatal crashes of processes handling one message before the message goes to campaign.dlq. */
      KAFKA_MAX_HANDLER_CRASHES: env.int({ fallback: 3, min: 1, max: 1000 }),
      /**
       * What a process restarted in place shares with the one before it (default: the host name, in
       * Kubernetes the pod's name): it removes the consumer-group members its predecessor left behind.
       * Two live processes of one service must never share it.
       */
      KAFKA_INSTANCE_ID: env.string({ optional: true, pattern: /^[A-Za-z0-9._:/-]{1,200}$/ }),
      /**
       * Where Node writes a report when the process dies of a fatal error, read by the next process
       * (default: a folder of the service under the system's temporary folder, an emptyDir in the chart).
       */
      CRASH_REPORT_DIR: env.string({ optional: true }),
      /** Test switch: every message is published twice, to prove consumers idempotent. */
      KAFKA_DUPLICATE_DELIVERY: env.bool({ fallback: false }),
      SHUTDOWN_TIMEOUT_MS: env.int({ fallback: 20_000, min: 100, max: 600_000 }),
      DIGIT_HOST: env.url({ optional: true }),
      DIGIT_TIMEOUT_MS: env.int({ fallback: 15_000, min: 100, max: 600_000 }),
      DIGIT_RETRIES: env.int({ fallback: 4, min: 0, max: 20 }),
      DIGIT_CONCURRENCY: env.int({ fallback: 8, min: 1, max: 1000 }),
      /**
       * Whom the concurrency limit of a DIGIT service binds: the whole deployment (slots shared in
       * PostgreSQL by every process) or each process on its own.
       */
      DIGIT_BUDGET: env.oneOf(['deployment', 'process'] as const, { fallback: 'deployment' }),
      DIGIT_AUTH_TOKEN: env.string({ optional: true }),
      /** How long DIGIT search may lag behind create: a row whose write may have happened is searched only after this. */
      DIGIT_SEARCH_CONSISTENCY_MS: env.int({ fallback: 5000, min: 0, max: 600_000 }),
      /**
       * How old the attempt stamp (attempted_at) of a write's rows may be when the write is sent: a write
       * that waited longer for a call slot stamps its rows again first. A chunk retried after its process
       * died searches for stamped rows only this much later than the timeout and the consistency window.
       */
      DIGIT_ATTEMPT_STAMP_MAX_AGE_MS: env.int({ fallback: 5000, min: 0, max: 600_000 }),
      /**
       * Rows a chunk carries at most: what a worker holds at once. Within it a chunk carries what one DIGIT
       * request of its step carries (DIGIT's 1 MiB), within each concurrent call's share of the work while
       * the step runs, and at least CHUNK_MIN_ROWS (see chunkRows).
       */
      CHUNK_SIZE: env.int({ fallback: 10_000, min: 1, max: 100_000 }),
      CHUNK_MIN_ROWS: env.int({ fallback: 500, min: 1, max: 100_000 }),
      /**
       * Items per call to DIGIT's bulk creates and project arrays, at most; each request also stays under
       * their 1 MiB limit, which is what bounds it at the default. A call costs DIGIT a fixed part plus a
       * part per item: fewer, fuller calls spend less of its capacity.
       */
      DIGIT_BULK_BATCH_SIZE: env.int({ fallback: 10_000, min: 1, max: 100_000 }),
      /**
       * Employees in a user-sync process's first HRMS create. HRMS creates each employee's user in turn
       * before it answers, so a batch must be answered within DIGIT_TIMEOUT_MS: the later creates carry
       * what HRMS answered in half of it, by the time per employee of the answers so far, up to
       * DIGIT_HRMS_BATCH_MAX (and each request stays under the 1 MiB of the Kafka message HRMS pushes it
       * as, which bounds it at the default: a chunk's employees then go in one create). HRMS answers with
       * every employee in full, so what the answers take of user-sync's memory grows with the employees
       * whose creates are in flight: DIGIT_HRMS_IN_FLIGHT_MAX bounds them in each process (a chunk's rows
       * go in shares of at most as many). The default lets each of HRMS's concurrent calls (8 by default)
       * carry a full request (860 employees in the L bench): at 5,000 a process had 5 creates in flight
       * and left 3 of HRMS's calls idle, which made user creation in the linear flow 1.9 times its bound
       * at L. In the L bench user-sync's peak was 184-200 MB with eight creates of about 2,300 employees
       * in flight, and 155-165 MB with two. HRMS refuses a whole batch when one phone exists, without
       * saying which; the batch is then sent again in halves, so a taken phone costs about two creates
       * per halving.
       */
      DIGIT_HRMS_BATCH_SIZE: env.int({ fallback: 100, min: 1, max: 5000 }),
      DIGIT_HRMS_BATCH_MAX: env.int({ fallback: 5000, min: 1, max: 5000 }),
      DIGIT_HRMS_IN_FLIGHT_MAX: env.int({ fallback: 10_000, min: 1, max: 100_000 }),
      CAMPAIGN_FLOW: env.oneOf(['parallel', 'linear'] as const, { fallback: 'parallel' }),
      /**
       * Facilities a facility template lists at most (intake): the tenant's DIGIT facilities are held in
       * memory while the template is written, so a tenant with more is answered with an error instead.
       */
      TEMPLATE_MAX_FACILITIES: env.int({ fallback: 50_000, min: 1, max: 1_000_000 }),
    },
    source,
  );
  const digit = {} as Record<DigitServiceName, DigitServiceConfig>;
  for (const service of DIGIT_SERVICES) {
    const prefix = `DIGIT_${service.toUpperCase()}`;
    const own = readConfig(
      {
        [`${prefix}_HOST`]: env.url({ optional: true }),
        [`${prefix}_CONCURRENCY`]: env.int({ fallback: base.DIGIT_CONCURRENCY, min: 1, max: 1000 }),
      },
      source,
    ) as Record<string, string | number | undefined>;
    const host = (own[`${prefix}_HOST`] as string | undefined) ?? base.DIGIT_HOST;
    if (host === undefined) {
      throw new ConfigError(`${prefix}_HOST`, 'a URL (or DIGIT_HOST for every DIGIT service)', undefined);
    }
    digit[service] = { host, concurrency: own[`${prefix}_CONCURRENCY`] as number };
  }
  return {
    ...base,
    KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY:
      base.KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY ?? chunksInHand(Object.values(digit)),
    digit,
    sheetLimits: readSheetLimits(source),
  };
}

export type ServiceConfig = ReturnType<typeof readServiceConfig>;

/**
 * Chunks a worker holds at once by default: twice the calls its DIGIT service takes. A chunk spends part
 * of its run off DIGIT (reading its rows, storing what DIGIT answered, reporting): with as many chunks as
 * call slots, each slot waits idle meanwhile; with twice as many, a chunk whose call is ready takes it. In
 * three L bench runs at 0 ms latency, each beside one with 8 chunks in hand, 16 cut the pipeline's
 * overhead per chunk every time (12.2-18.8 ms against 14.8-20.8).
 */
function chunksInHand(services: readonly DigitServiceConfig[]): number {
  return Math.min(64, 2 * Math.max(1, ...services.map((service) => service.concurrency)));
}
