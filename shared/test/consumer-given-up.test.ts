import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { Kafka } from 'kafkajs';
import {
  Topic,
  TopicConsumer,
  createLogger,
  createPipelineMetrics,
  isBrokerUnreachable,
  type AvroCodec,
  type Publisher,
} from '../src/index.ts';

/** The part of a kafkajs consumer TopicConsumer drives, recording its connects and runs. */
class ScriptedConsumer {
  readonly events = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' };
  readonly #emitter = new EventEmitter();
  connects = 0;
  runs = 0;
  on(event: string, listener: (event: unknown) => void) {
    this.#emitter.on(event, listener);
  }
  async connect() {
    this.connects++;
  }
  async subscribe() {}
  async run() {
    this.runs++;
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
}

/** A kafkajs error as it reaches the CRASH event: wrapped, its cause naming what went wrong. */
function wrapped(causeName: string): Error {
  const cause = Object.assign(new Error('Failed to find group coordinator'), { name: causeName });
  return Object.assign(new Error(`wrapped: ${cause.message}`), { name: 'KafkaJSNonRetriableError', cause });
}

async function startConsumer() {
  const scripted = new ScriptedConsumer();
  const stopped: Error[] = [];
  const consumer = new TopicConsumer({
    kafka: { consumer: () => scripted } as unknown as Kafka,
    codec: {} as AvroCodec,
    publisher: {} as Publisher,
    logger: createLogger('test', 'silent'),
    metrics: createPipelineMetrics('test'),
    groupId: 'workers',
    topics: [Topic.stepProject],
    handle: async () => undefined,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
    maxWaitTimeMs: 200,
    onStopped: (error) => stopped.push(error),
  });
  await consumer.start();
  return { scripted, stopped, consumer };
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
