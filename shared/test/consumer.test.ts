import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import {
  Topic,
  TopicConsumer,
  createLogger,
  createPipelineMetrics,
  isBrokerUnreachable,
  type AvroCodec,
  type DeliveryLog,
  type Publisher,
  type TopicConsumerOptions,
} from '../src/index.ts';
import { microtasks, until } from './support/turns.ts';

/**
 * The part of a kafkajs consumer TopicConsumer drives, recording its connects, runs and commits. It keeps
 * the batch handler kafkajs would call, so that a test delivers each fetch itself.
 */
class ScriptedConsumer {
  readonly events = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' };
  readonly #emitter = new EventEmitter();
  connects = 0;
  runs = 0;
  readonly committed: string[] = [];
  #eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  /** Runs once, when the next commit is answered (as a fetch answered on the same connection). */
  onNextCommit: (() => void) | undefined;
  on(event: string, listener: (event: unknown) => void) {
    this.#emitter.on(event, listener);
  }
  async connect() {
    this.connects++;
  }
  async subscribe() {}
  async run(config: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) {
    this.runs++;
    this.#eachBatch = config.eachBatch;
  }
  async commitOffsets(offsets: { offset: string }[]) {
    this.committed.push(...offsets.map((entry) => entry.offset));
    const next = this.onNextCommit;
    this.onNextCommit = undefined;
    next?.();
  }
  async stop() {}
  async disconnect() {}
  /** kafkajs's CRASH event for a crash it will (`restart`) or will not restart itself. */
  crash(error: Error, restart = false) {
    this.#emitter.emit(this.events.CRASH, { payload: { error, groupId: 'workers', restart } });
  }
  joined() {
    this.#emitter.emit(this.events.GROUP_JOIN, { payload: { memberId: 'm-1', memberAssignment: {} } });
  }
  /** A fetch that returned one message at `offset` of partition 0. */
  deliver(offset: number): Promise<void> {
    if (!this.#eachBatch) throw new Error('not running');
    const message = {
      offset: String(offset),
      key: Buffer.from(`campaign:${offset}`),
      value: Buffer.from(''),
    };
    return this.#eachBatch({
      batch: {
        topic: Topic.stepProject,
        partition: 0,
        highWatermark: String(offset + 1),
        messages: [message],
      },
      heartbeat: async () => undefined,
      pause: () => () => undefined,
      resolveOffset: () => undefined,
    } as unknown as EachBatchPayload);
  }
}

/** A kafkajs error as it reaches the CRASH event: wrapped, its cause naming what went wrong. */
function wrapped(causeName: string): Error {
  const cause = Object.assign(new Error('Failed to find group coordinator'), { name: causeName });
  return Object.assign(new Error(`wrapped: ${cause.message}`), { name: 'KafkaJSNonRetriableError', cause });
}

async function startConsumer(
  options: {
    batched?: boolean;
    extra?: Pick<TopicConsumerOptions<string>, 'deliveryLog' | 'publisher' | 'onCrashedConsumer'>;
  } = {},
) {
  const scripted = new ScriptedConsumer();
  const stopped: Error[] = [];
  const handled: string[] = [];
  const consumer = new TopicConsumer<string>({
    kafka: { consumer: () => scripted } as unknown as Kafka,
    codec: { decode: async () => 'command' } as unknown as AvroCodec,
    publisher: {} as Publisher,
    ...options.extra,
    logger: createLogger('test', 'silent'),
    metrics: createPipelineMetrics('test'),
    groupId: 'workers',
    topics: [Topic.stepProject],
    handle: async (message) => {
      handled.push(message.offset);
    },
    ...(options.batched
      ? {
          handleBatch: async (messages: { offset: string }[]) => {
            handled.push(...messages.map((message) => message.offset));
          },
        }
      : {}),
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
    maxWaitTimeMs: 200,
    partitionsConsumedConcurrently: 4,
    onStopped: (error) => stopped.push(error),
  });
  await consumer.start();
  return { scripted, stopped, handled, consumer };
}

afterEach(() => {
  jest.useRealTimers();
});

describe('a consumer kafkajs gave up on', () => {
  it('is run again after a backoff when it had lost the broker, and stays running', async () => {
    jest.useFakeTimers();
    const { scripted, stopped } = await startConsumer();
    expect(scripted.runs).toBe(1);
    scripted.crash(wrapped('KafkaJSGroupCoordinatorNotFound'));
    await jest.advanceTimersByTimeAsync(600);
    expect(scripted.connects).toBe(2);
    expect(scripted.runs).toBe(2);
    expect(stopped).toEqual([]);
  });

  it('stops for good at once after any other crash', async () => {
    const { scripted, stopped } = await startConsumer();
    const refused = Object.assign(new Error('Not authorized to access group'), {
      name: 'KafkaJSProtocolError',
    });
    scripted.crash(refused);
    expect(stopped).toEqual([refused]);
    expect(scripted.runs).toBe(1);
  });

  it('stops for good when it keeps losing the broker without joining the group again', async () => {
    jest.useFakeTimers();
    const { scripted, stopped } = await startConsumer();
    for (let run = 1; run <= 5; run++) {
      scripted.crash(wrapped('KafkaJSConnectionError'));
      await jest.advanceTimersByTimeAsync(6000);
      expect(scripted.runs).toBe(run + 1);
    }
    scripted.joined();
    scripted.crash(wrapped('KafkaJSConnectionError'));
    await jest.advanceTimersByTimeAsync(6000);
    expect(stopped).toEqual([]);
    for (let run = 2; run <= 5; run++) {
      scripted.crash(wrapped('KafkaJSConnectionError'));
      await jest.advanceTimersByTimeAsync(6000);
    }
    expect(stopped).toEqual([]);
    scripted.crash(wrapped('KafkaJSConnectionError'));
    expect(stopped).toHaveLength(1);
    expect(scripted.runs).toBe(11);
  });

  it('is left alone when kafkajs restarts it itself', async () => {
    const { scripted, stopped } = await startConsumer();
    scripted.crash(wrapped('KafkaJSConnectionError'), true);
    expect(stopped).toEqual([]);
    expect(scripted.connects).toBe(1);
  });
});

describe('a broker out of reach', () => {
  it('is told by the error or any error it was caused by', () => {
    expect(isBrokerUnreachable(wrapped('KafkaJSNoBrokerAvailableError'))).toBe(true);
    expect(isBrokerUnreachable(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isBrokerUnreachable(wrapped('KafkaJSProtocolError'))).toBe(false);
    expect(isBrokerUnreachable(undefined)).toBe(false);
  });
});

describe.each([
  ['side by side by key', false],
  ['in order, in batches', true],
])('a partition lane handling messages %s', (_name, batched) => {
  it('handles a message fetched while it finishes the last one, whenever it lands', async () => {
    // The commit of the lane's last message and the next fetch can be answered together (one broker
    // connection): the fetch's batch then lands a few turns of the microtask queue later, while the
    // lane is winding down. Every such turn is tried.
    for (let turns = 0; turns <= 40; turns++) {
      const { scripted, handled, consumer } = await startConsumer({ batched });
      scripted.onNextCommit = () => {
        void microtasks(turns).then(() => scripted.deliver(1));
      };
      await scripted.deliver(0);
      const both = await until(() => handled.includes('1') && scripted.committed.includes('2'), 2000);
      await consumer.stop();
      expect({ turns, handled, both }).toEqual({ turns, handled: ['0', '1'], both: true });
    }
  });
});

describe('a message that keeps crashing its consumer', () => {
  it('goes to the DLQ unhandled, and whoever waits on it is told, with the message as the handler had it', async () => {
    const deadLettered: string[] = [];
    const told: { offset: string; value: string }[] = [];
    // Three fatal crashes are already charged to offset 0 (the default limit); none to offset 1.
    const deliveryLog: DeliveryLog = {
      started: async (key) => (key.offset === '0' ? 3 : 0),
      ended: async () => undefined,
      chargeCrash: async () => [],
      release: async () => undefined,
    };
    const publisher = {
      publishRaw: async (topic: string, messages: { headers?: Record<string, unknown> }[]) => {
        for (const message of messages)
          deadLettered.push(`${topic}:${String(message.headers?.['dlq-reason'])}`);
      },
    } as unknown as Publisher;
    const { scripted, handled, consumer } = await startConsumer({
      extra: {
        deliveryLog,
        publisher,
        onCrashedConsumer: async (message) => {
          told.push({ offset: message.offset, value: message.value });
        },
      },
    });
    await scripted.deliver(0);
    await scripted.deliver(1);
    expect(await until(() => scripted.committed.includes('2'), 2000)).toBe(true);
    await consumer.stop();
    expect(handled).toEqual(['1']);
    expect(deadLettered).toEqual([`${Topic.dlq}:crashed-consumer`]);
    expect(told).toEqual([{ offset: '0', value: 'command' }]);
  });
});
