// Conformance with real kafkajs 2.2.4: admin, producers, consumers and groups against the dev broker.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import axios from 'axios';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import kafkajs from 'kafkajs';
import type { DevKafka } from '../src/index.ts';
import { startDevKafka } from '../src/index.ts';
import { FAST_CONSUMER, kafkaClient, uniqueName, waitFor } from './support/kafka-clients.ts';

const { CompressionTypes } = kafkajs;

let broker: DevKafka;

beforeAll(async () => {
  broker = await startDevKafka({ initialRebalanceDelayMs: 50, defaultPartitions: 1 });
});

afterAll(async () => {
  await broker.stop();
});

type Consumed = {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
};

function describeMessage(partition: number, m: KafkaMessage): Consumed {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = String(v);
  return {
    partition,
    offset: m.offset,
    key: m.key?.toString() ?? null,
    value: m.value?.toString() ?? null,
    headers,
  };
}

describe('admin', () => {
  it('creates, lists, describes and deletes topics', async () => {
    const admin = kafkaClient(broker.brokers).admin();
    await admin.connect();
    try {
      const topic = uniqueName('admin');
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] })).toBe(true);
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] })).toBe(false);
      expect(await admin.listTopics()).toContain(topic);
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3]);
      const cluster = await admin.describeCluster();
      expect(cluster.controller).toBe(cluster.brokers[0]!.nodeId);
      expect(cluster.clusterId).toBeTruthy();
      await admin.deleteTopics({ topics: [topic] });
      expect(await admin.listTopics()).not.toContain(topic);
      await expect(admin.createTopics({ topics: [{ topic: 'bad name!' }] })).rejects.toThrow();
    } finally {
      await admin.disconnect();
    }
  });

  it('reports topic offsets, group offsets and groups', async () => {
    const kafka = kafkaClient(broker.brokers);
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    try {
      const topic = uniqueName('offsets');
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
      await producer.send({
        topic,
        messages: [
          { value: 'a', partition: 0 },
          { value: 'b', partition: 0 },
          { value: 'c', partition: 1 },
        ],
      });
      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets.sort((a, b) => a.partition - b.partition)).toEqual([
        { partition: 0, offset: '2', high: '2', low: '0' },
        { partition: 1, offset: '1', high: '1', low: '0' },
      ]);
      const groupId = uniqueName('admin-group');
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }] });
      const fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(fetched[0]!.partitions.sort((a, b) => a.partition - b.partition)).toEqual([
        { partition: 0, offset: '1', metadata: null },
        { partition: 1, offset: '-1', metadata: null },
      ]);
      await admin.resetOffsets({ groupId, topic, earliest: true });
      const reset = await admin.fetchOffsets({ groupId, topics: [topic] });
      // kafkajs commits the literal sentinel, as against real Kafka
      expect(reset[0]!.partitions.map((p) => p.offset)).toEqual(['-2', '-2']);
      expect((await admin.listGroups()).groups.map((g) => g.groupId)).toContain(groupId);
      const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() - 60_000);
      expect(byTime.sort((a, b) => a.partition - b.partition).map((p) => p.offset)).toEqual(['0', '0']);
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect()]);
    }
  });
});

describe('producer and consumer', () => {
  it('round-trips keys, headers, null values and gzip batches through an idempotent producer', async () => {
    const kafka = kafkaClient(broker.brokers);
    const topic = uniqueName('roundtrip');
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: 'k1', value: 'v1', headers: { trace: 't-1', kind: 'plain' } },
        { key: 'k2', value: null },
        { key: null, value: 'no-key' },
      ],
    });
    await producer.send({
      topic,
      compression: CompressionTypes.GZIP,
      messages: Array.from({ length: 50 }, (_, i) => ({ key: `z${i}`, value: `zipped-${i}`.repeat(10) })),
    });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: uniqueName('roundtrip'), ...FAST_CONSUMER });
    const seen: Consumed[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => void seen.push(describeMessage(partition, message)),
    });
    try {
      await waitFor(() => seen.length >= 53, 20_000, '53 messages');
      expect(seen.slice(0, 3)).toEqual([
        { partition: 0, offset: '0', key: 'k1', value: 'v1', headers: { trace: 't-1', kind: 'plain' } },
        { partition: 0, offset: '1', key: 'k2', value: null, headers: {} },
        { partition: 0, offset: '2', key: null, value: 'no-key', headers: {} },
      ]);
      expect(seen.slice(3).map((m) => [m.offset, m.value])).toEqual(
        Array.from({ length: 50 }, (_, i) => [String(i + 3), `zipped-${i}`.repeat(10)]),
      );
      expect(seen).toHaveLength(53);
    } finally {
      await consumer.disconnect();
    }
  });

  it('commits, seeks, pauses and resumes', async () => {
    const kafka = kafkaClient(broker.brokers);
    const topic = uniqueName('seek');
    const groupId = uniqueName('seek');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })) });

    const consumer = kafka.consumer({ groupId, ...FAST_CONSUMER });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => void seen.push(message.value!.toString()),
    });
    try {
      await waitFor(() => seen.length === 10, 20_000, 'first pass');
      await consumer.commitOffsets([{ topic, partition: 0, offset: '10' }]);
      consumer.seek({ topic, partition: 0, offset: '4' });
      await waitFor(() => seen.length === 16, 20_000, 're-read after seek');
      expect(seen.slice(10)).toEqual(['m4', 'm5', 'm6', 'm7', 'm8', 'm9']);

      consumer.pause([{ topic }]);
      expect(consumer.paused()).toEqual([{ topic, partitions: [0] }]);
      await producer.send({ topic, messages: [{ value: 'while-paused' }] });
      await new Promise((r) => setTimeout(r, 600));
      expect(seen).toHaveLength(16);
      consumer.resume([{ topic }]);
      await waitFor(() => seen.length === 17, 20_000, 'message after resume');
      expect(seen[16]).toBe('while-paused');

      const admin = kafka.admin();
      await admin.connect();
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      await admin.disconnect();
      expect(committed[0]!.partitions).toEqual([{ partition: 0, offset: '10', metadata: null }]);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });

  it('delivers whole batches to eachBatch with heartbeats and resolved offsets', async () => {
    const kafka = kafkaClient(broker.brokers);
    const topic = uniqueName('batch');
    const groupId = uniqueName('batch');
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 5; i++) {
      await producer.send({
        topic,
        messages: Array.from({ length: 20 }, (_, j) => ({ value: `b${i}-${j}` })),
      });
    }
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId, ...FAST_CONSUMER });
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }: EachBatchPayload) => {
        for (const m of batch.messages) {
          values.push(m.value!.toString());
          resolveOffset(m.offset);
          await heartbeat();
        }
        await commitOffsetsIfNecessary();
      },
    });
    try {
      await waitFor(() => values.length >= 100, 20_000, '100 messages');
      expect(new Set(values).size).toBe(100);
      const admin = kafka.admin();
      await admin.connect();
      await waitFor(
        async () =>
          (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset === '100',
        10_000,
        'commit of offset 100',
      );
      await admin.disconnect();
    } finally {
      await consumer.disconnect();
    }
  });

  it('shares partitions between two in-process members and rebalances when one leaves', async () => {
    const kafka = kafkaClient(broker.brokers);
    const topic = uniqueName('share');
    const groupId = uniqueName('share');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    const seen = new Map<string, number>();
    const makeConsumer = async () => {
      const c = kafka.consumer({ groupId, ...FAST_CONSUMER });
      await c.connect();
      await c.subscribe({ topic, fromBeginning: true });
      await c.run({
        eachMessage: async ({ message }) => {
          const v = message.value!.toString();
          seen.set(v, (seen.get(v) ?? 0) + 1);
        },
      });
      return c;
    };
    const a = await makeConsumer();
    const b = await makeConsumer();
    const producer = kafka.producer();
    await producer.connect();
    try {
      await waitFor(
        async () => {
          const g = await admin.describeGroups([groupId]);
          return g.groups[0]!.state === 'Stable' && g.groups[0]!.members.length === 2;
        },
        20_000,
        'two-member group',
      );
      await producer.send({
        topic,
        messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
      });
      await waitFor(() => seen.size === 40, 20_000, 'first 40');
      await b.disconnect();
      await producer.send({
        topic,
        messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `w${i}` })),
      });
      await waitFor(() => seen.size === 80, 20_000, 'next 40');
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
      const group = (await admin.describeGroups([groupId])).groups[0]!;
      expect(group.members).toHaveLength(1);
    } finally {
      await Promise.all([a.disconnect(), producer.disconnect()]);
      await admin.disconnect();
    }
  });
});

describe('control API', () => {
  it('lists topics, groups and offsets', async () => {
    const kafka = kafkaClient(broker.brokers);
    const topic = uniqueName('control');
    const groupId = uniqueName('control');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'x' }, { value: 'y' }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }] });
    await admin.disconnect();

    const topics = (await axios.get(`${broker.controlUrl}/topics`)).data as {
      name: string;
      partitions: { highWatermark: number }[];
    }[];
    expect(topics.find((t) => t.name === topic)!.partitions).toEqual([
      expect.objectContaining({ partition: 0, highWatermark: 2 }),
    ]);
    const groups = (await axios.get(`${broker.controlUrl}/groups`)).data as {
      groupId: string;
      state: string;
      offsets: unknown;
    }[];
    expect(groups.find((g) => g.groupId === groupId)).toMatchObject({
      state: 'Empty',
      offsets: { [topic]: { '0': { offset: 1, metadata: null } } },
    });
    const offsets = (await axios.get(`${broker.controlUrl}/offsets`)).data as Record<string, unknown>;
    expect(offsets[groupId]).toEqual({ [topic]: { '0': { offset: 1, metadata: null } } });
  });

  it('fails the next requests of an API with an error code; kafkajs retries', async () => {
    const kafka = kafkaClient(broker.brokers);
    const topic = uniqueName('fault');
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ value: 'warm-up' }] });
      await axios.post(`${broker.controlUrl}/faults`, { api: 'Produce', count: 2, errorCode: 6 });
      expect((await axios.get(`${broker.controlUrl}/faults`)).data).toEqual([
        expect.objectContaining({ api: 'Produce', count: 2 }),
      ]);
      const [result] = await producer.send({ topic, messages: [{ value: 'after-faults' }] });
      expect(result!.baseOffset).toBe('1');
      expect((await axios.get(`${broker.controlUrl}/faults`)).data).toEqual([]);
      await axios.post(`${broker.controlUrl}/faults`, { api: 'Produce', count: 1, errorCode: 2 });
      const noRetry = kafkaClient(broker.brokers, { retry: { retries: 0 } }).producer();
      await noRetry.connect();
      await expect(noRetry.send({ topic, messages: [{ value: 'x' }] })).rejects.toThrow();
      await noRetry.disconnect();
      await expect(
        axios.post(`${broker.controlUrl}/faults`, { api: 'Nope', count: 1, errorCode: 1 }),
      ).rejects.toMatchObject({
        response: { status: 400 },
      });
    } finally {
      await producer.disconnect();
    }
  });

  it('delays requests and drops connections; clients reconnect', async () => {
    const kafka = kafkaClient(broker.brokers);
    const topic = uniqueName('drop');
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ value: 'one' }] });
      await axios.post(`${broker.controlUrl}/faults`, { api: 'Produce', count: 1, delayMs: 300 });
      const started = Date.now();
      await producer.send({ topic, messages: [{ value: 'two' }] });
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      const dropped = (await axios.post(`${broker.controlUrl}/drop-connections`)).data as { dropped: number };
      expect(dropped.dropped).toBeGreaterThan(0);
      await producer.send({ topic, messages: [{ value: 'three' }] });
      const admin = kafka.admin();
      await admin.connect();
      expect((await admin.fetchTopicOffsets(topic))[0]!.high).toBe('3');
      await admin.disconnect();
    } finally {
      await producer.disconnect();
    }
  });
});
