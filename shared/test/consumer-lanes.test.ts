import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import {
  Topic,
  TopicConsumer,
  createLogger,
  createPipelineMetrics,
  type AvroCodec,
  type Publisher,
} from '../src/index.ts';

/**
 * The part of a kafkajs consumer TopicConsumer drives: it keeps the batch handler kafkajs would call, so
 * that the test delivers each fetch itself, and records the offsets committed.
 */
class FetchingConsumer {
  readonly events = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' };
  readonly #emitter = new EventEmitter();
  readonly committed: string[] = [];
  #eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  /** Runs once, when the next commit is answered (as a fetch answered on the same connection). */
  onNextCommit: (() => void) | undefined;
  on(event: string, listener: (event: unknown) => void) {
    this.#emitter.on(event, listener);
  }
  async connect() {}
  async subscribe() {}
  async run(config: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) {
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
  /** A fetch that returned one message at `offset` of partition 0. */
  deliver(offset: number): Promise<void> {
    if (!this.#eachBatch) throw new Error('not running');
    const message = {
      offset: String(offset),
      key: Buffer.from(`campaign:${offset}`),
      value: Buffer.from('command'),
      headers: {},
      timestamp: '0',
      attributes: 0,
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

async function microtasks(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn++) await Promise.resolve();
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  return condition();
}

async function startConsumer(batched: boolean) {
  const fetching = new FetchingConsumer();
  const handled: string[] = [];
  const consumer = new TopicConsumer<string>({
    kafka: { consumer: () => fetching } as unknown as Kafka,
    codec: { decode: async () => 'command' } as unknown as AvroCodec,
    publisher: {} as Publisher,
    logger: createLogger('test', 'silent'),
    metrics: createPipelineMetrics('test'),
    groupId: 'workers',
    topics: [Topic.stepProject],
    handle: async (message) => {
      handled.push(message.offset);
    },
    ...(batched
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
  });
  await consumer.start();
  return { fetching, handled, consumer };
}

describe.each([
  ['side by side by key', false],
  ['in order, in batches', true],
])('a partition lane handling messages %s', (_name, batched) => {
  it('handles a message fetched while it finishes the last one, whenever it lands', async () => {
    // The commit of the lane's last message and the next fetch can be answered together (one broker
    // connection): the fetch's batch then lands a few turns of the event loop's microtasks later, while
    // the lane is winding down. Every such turn is tried.
    for (let turns = 0; turns <= 40; turns++) {
      const { fetching, handled, consumer } = await startConsumer(batched);
      fetching.onNextCommit = () => {
        void microtasks(turns).then(() => fetching.deliver(1));
      };
      await fetching.deliver(0);
      const both = await until(() => handled.includes('1') && fetching.committed.includes('2'), 2000);
      await consumer.stop();
      expect({ turns, handled, both }).toEqual({ turns, handled: ['0', '1'], both: true });
    }
  });
});
