// The broker killed with SIGKILL and restarted on the same data directory keeps every acknowledged message,
// and a consumer group resumes from its committed offsets.
import { afterAll, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrokerProcess } from '../src/index.ts';
import { startBrokerProcess } from '../src/index.ts';
import { FAST_CONSUMER, kafkaClient, waitFor } from './support/kafka-clients.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'dev-kafka-durable-'));
let broker: BrokerProcess | undefined;

afterAll(async () => {
  await broker?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

async function readAll(brokers: string[], topic: string, groupId: string, until: (n: number) => boolean) {
  const consumer = kafkaClient(brokers).consumer({ groupId, ...FAST_CONSUMER });
  const seen: { partition: number; offset: number; value: string }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) =>
      void seen.push({ partition, offset: Number(message.offset), value: message.value!.toString() }),
  });
  await waitFor(() => until(seen.length), 30_000, `messages of ${topic}`);
  return { seen, consumer };
}

it('keeps acknowledged messages and committed offsets through SIGKILL', async () => {
  broker = await startBrokerProcess({ dataDir, defaultPartitions: 3, initialRebalanceDelayMs: 50 });
  const port = Number(broker.brokers[0]!.split(':')[1]);
  const topic = 'durable';
  const kafka = kafkaClient(broker.brokers);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
  await admin.disconnect();

  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const acknowledged = new Set<string>();
  // several producers' worth of concurrent acks=all sends share fsyncs
  await Promise.all(
    Array.from({ length: 4 }, async (_, lane) => {
      for (let i = 0; i < 25; i++) {
        const value = `first-${lane}-${i}`;
        await producer.send({ topic, acks: -1, messages: [{ key: value, value }] });
        acknowledged.add(value);
      }
    }),
  );

  // a group consumes and commits part of the stream
  const groupId = 'durable-group';
  const first = await readAll(broker.brokers, topic, groupId, (n) => n >= 100);
  await first.consumer.disconnect();

  // more acknowledged writes, then an unclean death while a writer is still sending
  for (let i = 0; i < 30; i++) {
    const value = `second-${i}`;
    await producer.send({ topic, acks: -1, messages: [{ key: value, value }] });
    acknowledged.add(value);
  }
  let stopWriting = false;
  const inFlight = (async () => {
    for (let i = 0; !stopWriting; i++) {
      const value = `racing-${i}`;
      try {
        await producer.send({ topic, acks: -1, messages: [{ key: value, value }] });
        acknowledged.add(value);
      } catch {
        return;
      }
    }
  })();
  await new Promise((r) => setTimeout(r, 150));
  await broker.kill();
  stopWriting = true;
  await producer.disconnect().catch(() => undefined);
  await inFlight;

  broker = await startBrokerProcess({ dataDir, port, defaultPartitions: 3, initialRebalanceDelayMs: 50 });
  const everything = await readAll(broker.brokers, topic, 'audit', (n) => n >= acknowledged.size);
  await new Promise((r) => setTimeout(r, 300));
  await everything.consumer.disconnect();
  const values = everything.seen.map((m) => m.value);
  expect([...acknowledged].filter((v) => !values.includes(v))).toEqual([]);
  expect(new Set(values).size).toBe(values.length);

  // the original group resumes where it committed: nothing of the first 100 is delivered again
  const resumed = await readAll(broker.brokers, topic, groupId, (n) => n >= values.length - 100);
  await new Promise((r) => setTimeout(r, 300));
  await resumed.consumer.disconnect();
  expect(resumed.seen.filter((m) => m.value.startsWith('first-'))).toEqual([]);
  expect(resumed.seen.length).toBe(values.length - 100);
});
