import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '../logging/logger.ts';
import type { PipelineMetrics } from '../metrics/metrics.ts';
import { backoffDelay, sleep } from '../retry/backoff.ts';
import { ConcurrencyLimiter } from '../retry/limiter.ts';
import { UndecodableMessageError, type AvroCodec } from './avro.ts';
import type { DeliveryKey, DeliveryLog } from './delivery-log.ts';
import { removeGroupMember, type Predecessors } from './group-membership.ts';
import { processName } from '../lifecycle/crash-reports.ts';
import type { Publisher } from './publisher.ts';
import { DlqHeader, Topic, type AvroTopic, type DlqReason } from './topology.ts';

export interface ConsumedMessage<T> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: T;
  headers: Record<string, string>;
}

export type MessageHandler<T> = (message: ConsumedMessage<T>) => Promise<void>;

/**
 * Handles several messages of one partition, in order, all or nothing: when it throws, the messages are
 * handled one by one (`MessageHandler`), each with its own retries and dead-lettering.
 */
export type BatchHandler<T> = (messages: ConsumedMessage<T>[]) => Promise<void>;

/** Messages of a partition handed to a batch handler at once: one transaction's worth. */
const MAX_BATCH = 100;

/**
 * Messages a partition's lane may hold before its partition is paused: fetching a busy partition on
 * keeps its new messages as close at hand as the others' (a paused partition is left out of a fetch
 * already waiting at the broker, and its next message waited up to KAFKA_MAX_WAIT_MS), while a long
 * backlog still cannot grow the lane without bound.
 */
const MAX_QUEUED = 500;

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** Runs of a consumer kafkajs gave up on that are run again before the consumer stops for good. */
const MAX_RUNS_GIVEN_UP = 5;

/** kafkajs errors that mean the broker could not be reached or answered no coordinator. */
const BROKER_UNREACHABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSBrokerNotFound',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSRequestTimeoutError',
]);

/** Whether an error, or any error it was caused by, says the broker was out of reach. */
export function isBrokerUnreachable(error: unknown): boolean {
  let cause = error as { name?: unknown; code?: unknown; cause?: unknown } | null | undefined;
  // kafkajs wraps errors a few levels deep; the bound keeps a cycle of causes from looping.
  for (let depth = 0; cause && depth < 10; depth++, cause = cause.cause as typeof cause) {
    if (typeof cause.name === 'string' && BROKER_UNREACHABLE.has(cause.name)) return true;
    if (typeof cause.code === 'string' && NETWORK_CODES.has(cause.code)) return true;
  }
  return false;
}

/**
 * A failure of the pipeline's own infrastructure (the broker, PostgreSQL), not of the message: it ends
 * when the broker or database is back, so it never counts towards dead-lettering the message.
 */
export function isInfrastructureFailure(error: unknown): boolean {
  const failure = error as { name?: unknown; code?: unknown } | null;
  if (typeof failure?.name === 'string' && failure.name.startsWith('KafkaJS')) return true;
  const code = typeof failure?.code === 'string' ? failure.code : '';
  // PostgreSQL: connection exceptions (08xxx) and the server shutting down (57P01..57P03).
  return NETWORK_CODES.has(code) || code.startsWith('08') || /^57P0[1-3]$/.test(code);
}

/**
 * Thrown by a handler for a message no attempt can ever handle (fields out of range, a campaign that does
 * not exist): it goes to campaign.dlq at once instead of being retried.
 */
export class PoisonMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonMessageError';
  }
}

export interface TopicConsumerOptions<T> {
  kafka: Kafka;
  codec: AvroCodec;
  publisher: Publisher;
  logger: Logger;
  metrics: PipelineMetrics;
  groupId: string;
  topics: AvroTopic[];
  handle: MessageHandler<T>;
  /** When set, the messages already waiting in a partition go to it together (see BatchHandler). */
  handleBatch?: BatchHandler<T>;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxWaitTimeMs: number;
  /**
   * Messages handled at once, from any partitions; default 1. Messages of one partition that share a key
   * are handled one at a time, in order; a partition's messages go to a batch handler in order.
   */
  partitionsConsumedConcurrently?: number;
  /**
   * Which message is handled first: the lowest number, from any partition, among the messages waiting
   * for a place and those fetched in the same turn; without it, messages start in the order their
   * partitions were fetched.
   */
  priority?: (message: KafkaMessage) => number;
  /** Attempts of a handler that throws before its message is dead-lettered as poison. */
  handlerAttempts?: number;
  /**
   * Durable record of each delivery, written before the handler runs: a message charged with
   * `maxCrashes` fatal crashes of processes handling it is dead-lettered instead of handled.
   */
  deliveryLog?: DeliveryLog;
  /** This process's name in the delivery log (see `processName`). */
  processName?: string;
  /** Fatal crashes of processes handling one message before it is dead-lettered; default 3. */
  maxCrashes?: number;
  /**
   * Called once a message is dead-lettered for crashing the consumer `maxCrashes` times, with the message
   * as the handler would have had it: for what waits on its handling to learn that it will not happen.
   */
  onCrashedConsumer?: (message: ConsumedMessage<T>) => Promise<void>;
  /** Where this instance's member id is kept, so that its next process removes the member at once. */
  predecessors?: Predecessors;
  /**
   * Called once if kafkajs stops this consumer for good: it restarts a consumer only after a crash it
   * deems retriable, and after any other the process would go on without consuming its topics.
   */
  onStopped?: (error: Error) => void;
}

/**
 * The messages of one partition handed to this consumer, not yet committed, in offset order. Messages with
 * a key of their own are handled side by side (a step's chunks); messages sharing a key one at a time, in
 * order (a campaign's requests, a chunk's retry after its first attempt).
 */
interface Lane {
  topic: string;
  partition: number;
  queue: KafkaMessage[];
  /** Messages of the queue handled in the current assignment, committed once every older one is. */
  handled: Set<KafkaMessage>;
  /** Wakes the lane's drain, waiting on its messages in flight, when new messages are queued. */
  wake: (() => void) | undefined;
  /** Offset of the newest message queued: a refetch after a rebalance does not queue it twice. */
  lastQueued: bigint;
  running: boolean;
  /**
   * Counts the rebalances that took the partition away. A message whose handling began before one is not
   * committed: its partition's new owner handles it again, and a commit from here could move the group's
   * offset past messages that owner has not handled yet.
   */
  revocations: number;
  /** Resumes fetching the partition, paused while its lane holds `MAX_QUEUED` messages or more. */
  resume: (() => void) | undefined;
  highWatermark: string;
}

/**
 * Consumes Avro messages at least once: the offset of a message is committed only after its handler
 * finished. Undecodable messages and messages whose handler keeps failing go to campaign.dlq with the
 * reason in headers, and consumption goes on. `stop()` lets the messages in flight finish and commit.
 *
 * Each partition's messages are queued in a lane of their own, up to `partitionsConsumedConcurrently`
 * messages handled at once. kafkajs fetches again only once every batch of its last fetch is processed, so
 * a batch handler that awaited its messages would hold a partition's new message back behind the slowest
 * message of another; here a batch is queued in its lane, and fetching goes on (a partition with a long
 * backlog is paused until its lane is half empty). Within a lane, messages of different keys are handled
 * side by side, so one slow chunk does not hold back the chunks behind it in its partition; a partition's
 * offset is committed up to its oldest message not yet handled.
 */
export class TopicConsumer<T> {
  readonly #options: TopicConsumerOptions<T>;
  readonly #consumer: Consumer;
  readonly #stopping = new AbortController();
  readonly #lanes = new Map<string, Lane>();
  readonly #handling: ConcurrencyLimiter;
  readonly #idle = new Set<() => void>();
  #heartbeat: () => Promise<void> = async () => undefined;
  #stoppedForGood = false;
  /** Runs of the consumer kafkajs gave up on since the group was last joined. */
  #runsGivenUp = 0;

  constructor(options: TopicConsumerOptions<T>) {
    this.#options = options;
    // With a priority, the messages of one fetch are ranked together, the first ones included.
    this.#handling = new ConcurrencyLimiter(options.partitionsConsumedConcurrently ?? 1, {
      gatherEachTurn: options.priority !== undefined,
    });
    this.#consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      maxWaitTimeInMs: options.maxWaitTimeMs,
      allowAutoTopicCreation: false,
    });
    this.#consumer.on(this.#consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.#givenUp(payload.error);
    });
    // Partitions taken away by a rebalance: their queued messages now belong to another member.
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, ({ payload }) => {
      this.#runsGivenUp = 0;
      const assigned = payload.memberAssignment;
      for (const lane of this.#lanes.values()) {
        if (assigned[lane.topic]?.includes(lane.partition)) continue;
        lane.queue.length = 0;
        lane.handled.clear();
        lane.lastQueued = -1n;
        lane.revocations++;
      }
    });
  }

  async start(): Promise<void> {
    const predecessors = this.#options.predecessors;
    // Removing the killed process's member needs only the admin client: it goes on while this consumer
    // connects, and is over before the consumer joins.
    const predecessorRemoved = predecessors ? this.#removePredecessor(predecessors) : Promise.resolve();
    if (predecessors) {
      const { memberships } = predecessors;
      this.#consumer.on(this.#consumer.events.GROUP_JOIN, ({ payload }) => {
        memberships
          .joined(this.#options.groupId, payload.memberId)
          .catch((error: unknown) =>
            this.#options.logger.warn(
              { err: error, group: this.#options.groupId },
              'group member id not kept',
            ),
          );
      });
    }
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: this.#options.topics, fromBeginning: true });
    await predecessorRemoved;
    await this.#run();
  }

  #run(): Promise<void> {
    return this.#consumer.run({
      autoCommit: false,
      // Lanes bound the handling; batches only queue, so every partition's batch is taken at once.
      partitionsConsumedConcurrently: Math.max(this.#options.partitionsConsumedConcurrently ?? 1, 64),
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.#eachBatch(payload),
    });
  }

  /**
   * kafkajs gave up on the consumer after a crash it deems not retriable, and disconnected it. One that
   * lost the broker (a rejoin cut short by the broker going down again, say) is run again here, after a
   * backoff, a few times until the group is joined again; any other, or one that keeps failing, stops the
   * consumer for good (`onStopped`).
   */
  #givenUp(error: Error): void {
    const { logger, groupId } = this.#options;
    if (this.#stopping.signal.aborted || this.#stoppedForGood) return;
    this.#runsGivenUp++;
    if (isBrokerUnreachable(error) && this.#runsGivenUp <= MAX_RUNS_GIVEN_UP) {
      logger.warn(
        { err: error, group: groupId, attempt: this.#runsGivenUp },
        'kafkajs gave up on the consumer after losing the broker; running it again',
      );
      const delay = backoffDelay(this.#runsGivenUp, { baseMs: 500, maxMs: 5000 });
      void sleep(delay, this.#stopping.signal)
        .then(async () => {
          await this.#consumer.connect();
          await this.#run();
        })
        .catch((runError: unknown) => {
          if (!this.#stopping.signal.aborted) this.#givenUp(runError as Error);
        });
      return;
    }
    this.#stoppedForGood = true;
    logger.error({ err: error, group: groupId }, 'the consumer crashed and kafkajs will not restart it');
    this.#options.onStopped?.(error);
  }

  /**
   * Removes the member a killed process of this instance left in the group, so the group gives its
   * partitions out now rather than when its session lapses. Best effort: on failure the session lapses.
   */
  async #removePredecessor({ memberships, admin }: Predecessors): Promise<void> {
    const { groupId, kafka, logger } = this.#options;
    try {
      const previous = await memberships.previous(groupId);
      if (previous && (await removeGroupMember(kafka, admin, groupId, previous)))
        logger.info({ group: groupId, member: previous }, 'removed the member the previous process left');
    } catch (error) {
      logger.warn({ err: error, group: groupId }, 'the previous member stays until its session lapses');
    }
  }

  /** Stops taking messages, waits for the messages in flight to finish and commit, and leaves the group. */
  async stop(): Promise<void> {
    this.#stopping.abort(new Error('consumer stopping'));
    await this.#lanesIdle();
    await this.#consumer.stop();
    await this.#consumer.disconnect();
    await this.#options.predecessors?.memberships
      .left(this.#options.groupId)
      .catch((error: unknown) =>
        this.#options.logger.warn(
          { err: error, group: this.#options.groupId },
          'group member id not forgotten',
        ),
      );
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, pause, resolveOffset } = payload;
    this.#heartbeat = heartbeat;
    if (this.#stopping.signal.aborted || batch.messages.length === 0) return;
    const key = `${batch.topic}:${batch.partition}`;
    let lane = this.#lanes.get(key);
    if (!lane) {
      lane = {
        topic: batch.topic,
        partition: batch.partition,
        queue: [],
        handled: new Set(),
        wake: undefined,
        lastQueued: -1n,
        running: false,
        revocations: 0,
        resume: undefined,
        highWatermark: batch.highWatermark,
      };
      this.#lanes.set(key, lane);
    }
    lane.highWatermark = batch.highWatermark;
    for (const message of batch.messages) {
      if (BigInt(message.offset) <= lane.lastQueued) continue;
      lane.queue.push(message);
      lane.lastQueued = BigInt(message.offset);
    }
    // Fetching moves past the queued messages; their offsets are committed only once handled.
    resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
    if (lane.queue.length === 0) return;
    if (lane.queue.length >= MAX_QUEUED) lane.resume ??= pause();
    if (!lane.running) void this.#drain(lane);
    else lane.wake?.();
  }

  /**
   * Handles a lane's messages and commits them; then resumes fetching its partition. A batch queued while
   * the lane winds down (its last commit answered together with the next fetch) finds it still running
   * and wakes nobody: the lane looks again before it stops, with no turn of the event loop in between,
   * or that batch would wait for the partition's next message, which may never come.
   */
  async #drain(lane: Lane): Promise<void> {
    lane.running = true;
    try {
      do {
        if (this.#options.handleBatch) await this.#drainInOrder(lane);
        else await this.#drainByKey(lane);
      } while (!this.#stopping.signal.aborted && lane.queue.some((message) => !lane.handled.has(message)));
    } finally {
      lane.running = false;
      const resume = lane.resume;
      lane.resume = undefined;
      if (!this.#stopping.signal.aborted) resume?.();
      if (![...this.#lanes.values()].some((other) => other.running))
        for (const notify of this.#idle) notify();
    }
  }

  /**
   * Starts the lane's messages whose key has no older message in flight, up to the consumer's concurrency,
   * and commits the handled ones as they finish; returns once the lane is empty, or, when the consumer
   * stops, once the messages in flight have finished and been committed.
   */
  async #drainByKey(lane: Lane): Promise<void> {
    const limit = this.#options.partitionsConsumedConcurrently ?? 1;
    const inFlight = new Map<KafkaMessage, Promise<void>>();
    const busyKeys = new Set<string>();
    while (!this.#stopping.signal.aborted) {
      await this.#commitHandled(lane);
      this.#resumeBelowHalf(lane);
      for (const message of lane.queue) {
        if (inFlight.size >= limit) break;
        const key = message.key?.toString('latin1') ?? '';
        if (lane.handled.has(message) || inFlight.has(message) || busyKeys.has(key)) continue;
        busyKeys.add(key);
        const done = this.#handleInLane(lane, message).finally(() => {
          inFlight.delete(message);
          busyKeys.delete(key);
          lane.wake?.();
        });
        inFlight.set(message, done);
      }
      if (inFlight.size === 0) break;
      // Until a message in flight finishes or new ones are queued.
      await new Promise<void>((resolve) => (lane.wake = resolve));
      lane.wake = undefined;
    }
    await Promise.all(inFlight.values());
    await this.#commitHandled(lane);
  }

  /**
   * Handles one message of a lane; when handled while its partition stayed assigned, it joins the lane's
   * handled messages. A failure that is not the message's (the DLQ or the delivery log unreachable) is
   * retried after a backoff, the message keeping its key's turn.
   */
  async #handleInLane(lane: Lane, message: KafkaMessage): Promise<void> {
    const revocations = lane.revocations;
    for (let tries = 1; ; tries++) {
      try {
        const handled = await this.#handling.run(
          () => this.#process(lane.topic, lane.partition, message, () => this.#heartbeat()),
          this.#options.priority?.(message),
        );
        if (handled && lane.revocations === revocations) lane.handled.add(message);
        return;
      } catch (error) {
        this.#options.logger.error(
          { err: error, topic: lane.topic, partition: lane.partition, offset: message.offset },
          'partition lane failed, handling the message again',
        );
        try {
          await sleep(backoffDelay(tries, { baseMs: 200, maxMs: 10_000 }), this.#stopping.signal);
        } catch {
          return;
        }
      }
    }
  }

  /** Fetches a paused partition again once its lane is half empty. */
  #resumeBelowHalf(lane: Lane): void {
    if (lane.resume && lane.queue.length < MAX_QUEUED / 2) {
      lane.resume();
      lane.resume = undefined;
    }
  }

  /** Takes the handled messages at the head of the lane off it, and commits the offset after them. */
  async #commitHandled(lane: Lane): Promise<void> {
    let last: KafkaMessage | undefined;
    for (let head = lane.queue[0]; head && lane.handled.has(head); head = lane.queue[0]) {
      last = lane.queue.shift();
      lane.handled.delete(head);
    }
    if (last) await this.#commit(lane, last);
  }

  /** Handles a lane's messages in order, in batches when it can, committing each. */
  async #drainInOrder(lane: Lane): Promise<void> {
    for (let tries = 1; lane.queue.length > 0 && !this.#stopping.signal.aborted; tries++) {
      try {
        await this.#drainQueue(lane);
      } catch (error) {
        // Not the message's fault (the DLQ or the delivery log unreachable): the message it failed on
        // is back at the head of the lane and is handled again, in order, once the backoff is over.
        this.#options.logger.error(
          { err: error, topic: lane.topic, partition: lane.partition, offset: lane.queue[0]?.offset },
          'partition lane failed, handling its messages again',
        );
        await sleep(backoffDelay(tries, { baseMs: 200, maxMs: 10_000 }), this.#stopping.signal).catch(
          () => undefined,
        );
      }
    }
  }

  /** Handles and commits the lane's messages in order; a message is taken off the lane once handled. */
  async #drainQueue(lane: Lane): Promise<void> {
    // Messages of a failed batch still to be handled one by one before batching again.
    let alone = 0;
    for (let current = lane.queue[0]; current; current = lane.queue[0]) {
      this.#resumeBelowHalf(lane);
      const revocations = lane.revocations;
      if (alone === 0 && lane.queue.length > 1) {
        const batch = lane.queue.slice(0, MAX_BATCH);
        const last = batch[batch.length - 1]!;
        if (await this.#handling.run(() => this.#processBatch(lane, batch))) {
          if (lane.revocations === revocations) {
            await this.#commit(lane, last);
            lane.queue.splice(0, batch.length);
          }
          continue;
        }
        alone = batch.length;
      }
      if (alone > 0) alone--;
      const message = current;
      const handled = await this.#handling.run(() =>
        this.#process(lane.topic, lane.partition, message, () => this.#heartbeat()),
      );
      if (!handled) {
        lane.queue.length = 0;
        lane.lastQueued = -1n;
        return;
      }
      if (lane.revocations === revocations) {
        await this.#commit(lane, message);
        lane.queue.shift();
      }
    }
  }

  async #commit(lane: Lane, message: KafkaMessage): Promise<void> {
    const next = (BigInt(message.offset) + 1n).toString();
    try {
      await this.#consumer.commitOffsets([{ topic: lane.topic, partition: lane.partition, offset: next }]);
    } catch (error) {
      // A rebalance took the partition: its new owner handles the message again (at least once).
      this.#options.logger.warn(
        { err: error, topic: lane.topic, partition: lane.partition, offset: message.offset },
        'offset not committed, the message may be handled again',
      );
    }
    const lag = BigInt(lane.highWatermark) - BigInt(message.offset) - 1n;
    this.#options.metrics.consumerLag.set(
      { group: this.#options.groupId, topic: lane.topic, partition: String(lane.partition) },
      Number(lag < 0n ? 0n : lag),
    );
  }

  #lanesIdle(): Promise<void> {
    if (![...this.#lanes.values()].some((lane) => lane.running)) return Promise.resolve();
    return new Promise((resolve) => {
      const notify = () => {
        this.#idle.delete(notify);
        resolve();
      };
      this.#idle.add(notify);
    });
  }

  /**
   * Hands the messages to the batch handler; true when it handled them all. False, for them to be handled
   * one by one, when one cannot be decoded or was charged a crash (each must be judged alone), or when the
   * batch handler failed.
   */
  async #processBatch(lane: Lane, batch: KafkaMessage[]): Promise<boolean> {
    const { codec, logger, metrics, handleBatch } = this.#options;
    if (!handleBatch) return false;
    const consumed: ConsumedMessage<T>[] = [];
    for (const message of batch) {
      try {
        consumed.push({
          topic: lane.topic,
          partition: lane.partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: await codec.decode<T>(message.value),
          headers: headersToStrings(message.headers),
        });
      } catch (error) {
        if (error instanceof UndecodableMessageError) return false;
        throw error;
      }
    }
    const keys = batch.map((message): DeliveryKey => ({
      groupId: this.#options.groupId,
      topic: lane.topic,
      partition: lane.partition,
      offset: message.offset,
    }));
    const crashes = await Promise.all(keys.map((key) => this.#recordDelivery(key)));
    if (crashes.some((charged) => charged !== 0)) return false;
    const beat = setInterval(
      () => this.#heartbeat().catch(() => undefined),
      this.#options.heartbeatIntervalMs,
    );
    try {
      await handleBatch(consumed);
    } catch (error) {
      logger.warn(
        { err: error, topic: lane.topic, partition: lane.partition, messages: batch.length },
        'batch handler failed, handling its messages one by one',
      );
      return false;
    } finally {
      clearInterval(beat);
    }
    metrics.messagesConsumed.inc({ topic: lane.topic, outcome: 'handled' }, batch.length);
    await Promise.all(keys.map((key) => this.#ended(key)));
    return true;
  }

  /** Returns false when the message was left for redelivery (the consumer is stopping). */
  async #process(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    const { logger, metrics, codec } = this.#options;
    let value: T;
    try {
      value = await codec.decode<T>(message.value);
    } catch (error) {
      if (!(error instanceof UndecodableMessageError)) throw error;
      await this.#deadLetter(topic, partition, message, error.reason, error.message);
      return true;
    }
    const consumed: ConsumedMessage<T> = {
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? null,
      value,
      headers: headersToStrings(message.headers),
    };
    const key: DeliveryKey = { groupId: this.#options.groupId, topic, partition, offset: message.offset };
    const crashes = await this.#recordDelivery(key);
    if (crashes === undefined) return false;
    if (crashes >= (this.#options.maxCrashes ?? 3)) {
      logger.error(
        { topic, partition, offset: message.offset, crashes },
        'message keeps crashing the consumer',
      );
      await this.#deadLetter(
        topic,
        partition,
        message,
        'crashed-consumer',
        `crashed the consumer ${crashes} times`,
      );
      await this.#options.onCrashedConsumer?.(consumed);
      await this.#ended(key);
      return true;
    }
    const attempts = this.#options.handlerAttempts ?? 5;
    // Infrastructure failures are retried as long as the consumer runs, without spending attempts.
    for (let attempt = 1, tries = 1; ; tries++) {
      const beat = setInterval(() => heartbeat().catch(() => undefined), this.#options.heartbeatIntervalMs);
      try {
        await this.#options.handle(consumed);
        metrics.messagesConsumed.inc({ topic, outcome: 'handled' });
        await this.#ended(key);
        return true;
      } catch (error) {
        const infrastructure = isInfrastructureFailure(error);
        if (error instanceof PoisonMessageError || (!infrastructure && attempt >= attempts)) {
          if (!(error instanceof PoisonMessageError))
            logger.error({ err: error, topic, partition, offset: message.offset }, 'handler keeps failing');
          await this.#deadLetter(topic, partition, message, 'poison', (error as Error).message);
          await this.#ended(key);
          return true;
        }
        if (!infrastructure) attempt++;
        logger.warn(
          { err: error, topic, partition, offset: message.offset, attempt, infrastructure },
          'handler failed, retrying',
        );
        try {
          await sleep(backoffDelay(tries, { baseMs: 200, maxMs: 10_000 }), this.#stopping.signal);
        } catch {
          await this.#ended(key);
          return false;
        }
      } finally {
        clearInterval(beat);
      }
    }
  }

  /**
   * Records that handling starts and answers the crashes charged to the message so far; undefined when
   * the consumer stopped while the database was out of reach. Without a log no message has crashed.
   */
  async #recordDelivery(key: DeliveryKey): Promise<number | undefined> {
    const log = this.#options.deliveryLog;
    if (log === undefined) return 0;
    for (let tries = 1; ; tries++) {
      try {
        return await log.started(key, this.#options.processName ?? processName());
      } catch (error) {
        if (!isInfrastructureFailure(error)) throw error;
        this.#options.logger.warn({ err: error, ...key }, 'delivery not recorded, retrying');
        try {
          await sleep(backoffDelay(tries, { baseMs: 200, maxMs: 10_000 }), this.#stopping.signal);
        } catch {
          return undefined;
        }
      }
    }
  }

  /** Best effort: a row left `handling` is charged only if this process dies of a fatal error. */
  async #ended(key: DeliveryKey): Promise<void> {
    await this.#options.deliveryLog?.ended(key).catch(() => undefined);
  }

  async #deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    reason: DlqReason,
    detail: string,
  ): Promise<void> {
    await this.#options.publisher.publishRaw(Topic.dlq, [
      {
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [DlqHeader.reason]: reason,
          [DlqHeader.detail]: detail.slice(0, 1000),
          [DlqHeader.topic]: topic,
          [DlqHeader.partition]: String(partition),
          [DlqHeader.offset]: message.offset,
          [DlqHeader.group]: this.#options.groupId,
        },
      },
    ]);
    this.#options.metrics.dlqMessages.inc({ topic, reason });
    this.#options.metrics.messagesConsumed.inc({ topic, outcome: 'dead_lettered' });
    this.#options.logger.warn(
      { topic, partition, offset: message.offset, reason, detail },
      'message dead-lettered',
    );
  }
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    result[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return result;
}
