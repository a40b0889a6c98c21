import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AvroCodec,
  DlqHeader,
  PoisonMessageError,
  Publisher,
  createLogger,
  Topic,
  startService,
  type AvroTopic,
  type ConsumerSpec,
  type RunningService,
  type ServiceDefinition,
  type StepCommand,
} from '@campaign-pipeline/shared';
import axios from 'axios';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import {
  REPOSITORY_ROOT,
  SERVICE_NODE_FLAGS,
  startTestInfrastructure,
  type TestInfrastructure,
} from '../src/index.ts';

let infrastructure: TestInfrastructure;
const running: RunningService[] = [];

beforeAll(async () => {
  infrastructure = await startTestInfrastructure();
});

afterAll(async () => {
  for (const service of running.reverse()) await service.stop();
  await infrastructure.stop();
});

function command(index: number): StepCommand {
  return {
    commandId: `command-${index}`,
    campaignId: '00000000-0000-4000-8000-000000000001',
    tenantId: 'mz',
    step: 'project-creation',
    attempt: 1,
    chunk: { index, count: 3 },
    issuedAt: 1_700_000_000_000 + index,
  };
}

async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A sender and a receiver service on `topic`; the receiver consumes it as the spec says. */
async function startPair(
  name: string,
  topic: AvroTopic,
  spec: Omit<ConsumerSpec<StepCommand>, 'groupId' | 'topics'>,
): Promise<RunningService> {
  const env = { ...process.env, ...infrastructure.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
  const sender: ServiceDefinition = {
    name: `${name}-sender`,
    defaultPort: 0,
    topics: [topic],
    setup: async () => undefined,
  };
  const receiver: ServiceDefinition = {
    name,
    defaultPort: 0,
    topics: [topic],
    async setup(context) {
      context.consume<StepCommand>({ groupId: name, topics: [topic], ...spec });
    },
  };
  const producer = await startService(sender, env);
  running.push(producer, await startService(receiver, env));
  return producer;
}

/** The first dead letter `pick` finds in campaign.dlq, read by a consumer group of its own. */
async function deadLetter<T>(
  groupId: string,
  pick: (
    key: string | undefined,
    value: string | undefined,
    headers: Record<string, string>,
  ) => T | undefined,
): Promise<T> {
  const kafka = new Kafka({ brokers: infrastructure.kafka.brokers, logLevel: logLevel.NOTHING });
  const reader = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  const found: T[] = [];
  await reader.connect();
  await reader.subscribe({ topic: Topic.dlq, fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      const headers = Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([header, value]) => [header, String(value)]),
      );
      const picked = pick(message.key?.toString(), message.value?.toString(), headers);
      if (picked !== undefined) found.push(picked);
    },
  });
  try {
    return await eventually(() => found[0]);
  } finally {
    await reader.disconnect();
  }
}

describe('messages waiting in a partition', () => {
  const batches: string[][] = [];
  const singles: string[] = [];
  let producer: RunningService;

  beforeAll(async () => {
    producer = await startPair('batch-receiver', Topic.stepFacility, {
      handle: async ({ value }) => {
        if (value.commandId === 'command-13') throw new PoisonMessageError('command 13 is bad');
        singles.push(value.commandId);
      },
      handleBatch: async (messages) => {
        const ids = messages.map(({ value }) => value.commandId);
        batches.push(ids);
        if (ids.includes('command-13')) throw new Error('one of them is bad');
      },
    });
  });

  it('go to the batch handler together, in order, and one by one when the batch fails', async () => {
    await producer.context.publisher.publish(
      Topic.stepFacility,
      [0, 1, 2, 3, 4].map((index) => ({ key: 'one-partition', value: command(index) })),
    );
    const first = await eventually(() => batches.find((batch) => batch.includes('command-0')));
    expect(first).toEqual(['command-0', 'command-1', 'command-2', 'command-3', 'command-4']);
    expect(singles).toEqual([]);

    await producer.context.publisher.publish(
      Topic.stepFacility,
      [10, 11, 12, 13, 14].map((index) => ({ key: 'one-partition', value: command(index) })),
    );
    await eventually(() => (singles.includes('command-14') ? true : undefined));
    expect(batches.find((batch) => batch.includes('command-13'))).toEqual([
      'command-10',
      'command-11',
      'command-12',
      'command-13',
      'command-14',
    ]);
    expect(batches.filter((batch) => batch.includes('command-13'))).toHaveLength(1);
    expect(singles).toEqual(['command-10', 'command-11', 'command-12', 'command-14']);
    const letter = await deadLetter('batch-dlq-reader', (_key, _value, headers) =>
      headers[DlqHeader.group] === 'batch-receiver' ? { detail: headers[DlqHeader.detail] } : undefined,
    );
    expect(letter.detail).toBe('command 13 is bad');
  });
});

describe('messages of one partition', () => {
  const handled: { id: string; partition: number; offset: number }[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let producer: RunningService;

  beforeAll(async () => {
    producer = await startPair('keyed-receiver', Topic.stepUserMapping, {
      handle: async ({ value, partition, offset }) => {
        if (value.commandId === 'slow') await gate;
        handled.push({ id: value.commandId, partition, offset: Number(offset) });
      },
    });
  });

  it('with other keys pass a slow one; with its key they wait, and the offset stays before it', async () => {
    await producer.context.publisher.publish(Topic.stepUserMapping, [
      { key: 'chunk-slow', value: { ...command(0), commandId: 'slow' } },
      ...Array.from({ length: 12 }, (_, index) => ({
        key: `chunk-${index}`,
        value: { ...command(index + 1), commandId: `fast-${index}` },
      })),
      { key: 'chunk-slow', value: { ...command(13), commandId: 'after-slow' } },
    ]);
    await eventually(() => (handled.length === 12 ? true : undefined));
    expect(handled.every((entry) => entry.id.startsWith('fast-'))).toBe(true);
    const admin = producer.context.kafka.admin();
    await admin.connect();
    const committed = async () =>
      new Map(
        (
          (await admin.fetchOffsets({ groupId: 'keyed-receiver', topics: [Topic.stepUserMapping] }))[0]
            ?.partitions ?? []
        ).map((entry) => [entry.partition, Number(entry.offset)]),
      );
    const whileSlow = await committed();

    release();
    await eventually(() => (handled.some((entry) => entry.id === 'after-slow') ? true : undefined));
    const order = handled.map((entry) => entry.id);
    expect(order.indexOf('after-slow')).toBe(order.indexOf('slow') + 1);
    const slow = handled.find((entry) => entry.id === 'slow')!;
    const lane = handled.filter((entry) => entry.partition === slow.partition);
    // Messages behind the slow one in its partition were handled while it was.
    expect(
      lane.filter((entry) => entry.id.startsWith('fast-') && entry.offset > slow.offset).length,
    ).toBeGreaterThan(0);
    // The partition's offset did not move past the slow message while it was being handled ...
    expect(whileSlow.get(slow.partition) ?? -1).toBeLessThanOrEqual(slow.offset);
    // ... and moves past all of its messages once they are handled.
    await eventually(async () =>
      (await committed()).get(slow.partition) === Math.max(...lane.map((entry) => entry.offset)) + 1
        ? true
        : undefined,
    );
    await admin.disconnect();
  });
});

describe('messages between services', () => {
  const received: { key: string | null; value: StepCommand; partition: number }[] = [];
  let producer: RunningService;

  beforeAll(async () => {
    producer = await startPair('receiver', Topic.stepProject, {
      handle: async (message) => {
        received.push({ key: message.key, value: message.value, partition: message.partition });
      },
    });
  });

  it('carries an Avro value from one service through the broker and the registry to another', async () => {
    await producer.context.publisher.publish(Topic.stepProject, [{ key: 'campaign-1:0', value: command(0) }]);
    const message = await eventually(() => received.find((entry) => entry.value.commandId === 'command-0'));
    expect(message.key).toBe('campaign-1:0');
    expect(message.value).toEqual(command(0));
    const subjects = (await (await fetch(`${infrastructure.kafka.registryUrl}/subjects`)).json()) as string[];
    expect(subjects).toContain('campaign.step.project-value');
  });

  it('sends an undecodable message to campaign.dlq with the reason and goes on with the next one', async () => {
    const kafka = new Kafka({ brokers: infrastructure.kafka.brokers, logLevel: logLevel.NOTHING });
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({
      topic: Topic.stepProject,
      messages: [{ key: 'poison', value: Buffer.from('not avro at all') }],
    });
    await raw.disconnect();
    await producer.context.publisher.publish(Topic.stepProject, [{ key: 'campaign-1:1', value: command(1) }]);
    await eventually(() => received.find((entry) => entry.value.commandId === 'command-1'));

    const letter = await deadLetter('dlq-reader', (key, value, headers) =>
      key === 'poison' ? { value, headers } : undefined,
    );
    expect(letter.value).toBe('not avro at all');
    expect(letter.headers[DlqHeader.reason]).toBe('undecodable');
    expect(letter.headers[DlqHeader.topic]).toBe(Topic.stepProject);
    expect(letter.headers[DlqHeader.group]).toBe('receiver');
    expect(received.some((entry) => entry.key === 'poison')).toBe(false);
  });
});

describe('a send that fails after the broker wrote it', () => {
  it('does not make the next message pass for its duplicate', async () => {
    const topic = Topic.stepProductMapping;
    const fault = (body: Record<string, unknown>) =>
      fetch(`${infrastructure.kafka.controlUrl}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const kafka = new Kafka({
      brokers: infrastructure.kafka.brokers,
      logLevel: logLevel.NOTHING,
      requestTimeout: 300,
      retry: { retries: 1, initialRetryTime: 50 },
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    const codec = new AvroCodec(infrastructure.kafka.registryUrl);
    await codec.registerTopics([topic]);
    const logger = createLogger('failed-send-test', 'silent');
    const publisher = new Publisher(kafka, codec, logger);
    await publisher.connect();
    await publisher.publish(topic, [{ key: 'before', value: { ...command(0), commandId: 'before' } }]);
    // The first attempt is written after the client gave up on it; its retry is refused.
    await fault({ api: 'Produce', count: 1, delayMs: 1000 });
    await fault({ api: 'Produce', count: 5, errorCode: 7 });
    await expect(
      publisher.publish(topic, [{ key: 'lost-answer', value: { ...command(1), commandId: 'lost-answer' } }]),
    ).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await fetch(`${infrastructure.kafka.controlUrl}/faults`, { method: 'DELETE' });
    await publisher.publish(topic, [{ key: 'next', value: { ...command(2), commandId: 'next' } }]);
    await publisher.disconnect();

    const seen: string[] = [];
    const reader = kafka.consumer({ groupId: 'failed-send-reader', maxWaitTimeInMs: 200 });
    await reader.connect();
    await reader.subscribe({ topic, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => void seen.push(message.key?.toString() ?? ''),
    });
    try {
      await eventually(() => (seen.includes('next') ? true : undefined), 10_000);
    } finally {
      await reader.disconnect();
    }
    expect(seen).toContain('lost-answer');
  });
});

/** The slow-consumer fixture as a service process of its own, once it is ready; its log lines as they come. */
async function startSlowConsumer(env: Record<string, string> = {}) {
  const fixture = fileURLToPath(new URL('./fixtures/slow-consumer.ts', import.meta.url));
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, fixture], {
    cwd: REPOSITORY_ROOT,
    env: {
      ...process.env,
      ...infrastructure.env,
      PORT: '0',
      HOST: '127.0.0.1',
      SHUTDOWN_TIMEOUT_MS: '10000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => lines.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await eventually(() => (lines.some((line) => line.includes('service ready')) ? true : undefined), 30_000);
  return { child, lines, exited };
}

describe('graceful shutdown', () => {
  it('finishes and commits the message in flight on SIGTERM, then exits within the bound', async () => {
    const { child, lines, exited } = await startSlowConsumer({ SLOW_HANDLER_MS: '3000' });

    const sender = await startService(
      { name: 'sender-2', defaultPort: 0, topics: [Topic.stepUser], setup: async () => undefined },
      { ...process.env, ...infrastructure.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' },
    );
    running.push(sender);
    await sender.context.publisher.publish(Topic.stepUser, [{ key: 'k', value: command(7) }]);
    await eventually(
      () => (lines.some((line) => line.includes('handling started')) ? true : undefined),
      30_000,
    );

    const signalled = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    const seconds = (Date.now() - signalled) / 1000;
    expect(code).toBe(0);
    expect(seconds).toBeLessThan(10);
    expect(lines.some((line) => line.includes('handling finished'))).toBe(true);

    const admin = new Kafka({ brokers: infrastructure.kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: 'slow-consumer', topics: [Topic.stepUser] });
    await admin.disconnect();
    const committed = offsets[0]?.partitions.reduce(
      (total, partition) => total + Math.max(0, Number(partition.offset)),
      0,
    );
    expect(committed).toBe(1);
  });
});

describe('configuration errors', () => {
  it('stops a service with a one-line message naming the malformed variable', async () => {
    const entry = `${REPOSITORY_ROOT}/services/intake/src/main.ts`;
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, entry], {
      env: { ...process.env, ...infrastructure.env, KAFKA_BROKERS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exit) => resolve(exit)));
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([
      'intake: invalid configuration: KAFKA_BROKERS: expected a comma-separated list of host:port, got ""',
    ]);
  });
});

describe('a consumer kafkajs will not restart', () => {
  it('makes its service not ready and says so, for the service to stop and be started again', async () => {
    await startPair('stopped-receiver', Topic.stepUser, { handle: async () => undefined });
    const receiver = running[running.length - 1]!;
    expect((await fetch(`${receiver.url}/ready`)).status).toBe(200);
    // Every member's next heartbeats are refused for good (not authorised): kafkajs treats that as fatal.
    await axios.post(`${infrastructure.kafka.controlUrl}/faults`, {
      api: 'Heartbeat',
      count: 50,
      errorCode: 30,
    });
    let stopped: Error | undefined;
    void receiver.consumerStopped.then((error) => (stopped = error));
    const error = await eventually(() => stopped);
    await axios.delete(`${infrastructure.kafka.controlUrl}/faults`);
    expect(error.message).toMatch(/authori[sz]/i);
    const ready = await fetch(`${receiver.url}/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: { name: string; ok: boolean; error?: string }[] };
    expect(body.checks.find((check) => check.name === 'consumers')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/a consumer stopped for good/),
    });
  });

  it('stops its service process, which exits non-zero for its supervisor to start it again', async () => {
    const { lines, exited } = await startSlowConsumer();

    await axios.post(`${infrastructure.kafka.controlUrl}/faults`, {
      api: 'Heartbeat',
      count: 50,
      errorCode: 30,
    });
    const code = await exited;
    await axios.delete(`${infrastructure.kafka.controlUrl}/faults`);
    expect(code).toBe(1);
    expect(lines.some((line) => line.includes('a consumer stopped for good'))).toBe(true);
  });
});
