// librdkafka as the client, through Debian's kcat: produce, consume, metadata and a two-member -G group.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import axios from 'axios';
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import kafkajs from 'kafkajs';
import type { DevKafka } from '../src/index.ts';
import { startDevKafka } from '../src/index.ts';
import { FAST_CONSUMER, kafkaClient, uniqueName, waitFor } from './support/kafka-clients.ts';

const { CompressionTypes } = kafkajs;

function kcatAvailable(): boolean {
  try {
    execFileSync('kcat', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const FAST_GROUP = [
  '-X',
  'auto.commit.interval.ms=200',
  '-X',
  'heartbeat.interval.ms=300',
  '-X',
  'session.timeout.ms=6000',
  '-X',
  'fetch.wait.max.ms=100',
];

function kcat(
  args: string[],
  input?: string,
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
    child.stdin.end(input ?? '');
  });
}

describe('kcat (librdkafka 2.x)', () => {
  let broker: DevKafka;
  const members = new Set<ChildProcess>();

  beforeAll(async () => {
    if (!kcatAvailable())
      throw new Error('kcat is missing: `npm test` installs it, or run `apt-get install -y kcat`');
    broker = await startDevKafka({ initialRebalanceDelayMs: 100 });
  });

  afterAll(async () => {
    for (const m of members) m.kill('SIGKILL');
    await broker?.stop();
  });

  it('produces and consumes with keys, and reads what kafkajs wrote (headers, gzip)', async () => {
    const bootstrap = broker.brokers[0]!;
    const topic = uniqueName('kcat');
    const produced = await kcat(['-b', bootstrap, '-P', '-t', topic, '-K', ':'], 'k1:v1\nk2:v2\nk3:v3\n');
    expect(produced.code).toBe(0);
    const producer = kafkaClient(broker.brokers).producer();
    await producer.connect();
    await producer.send({
      topic,
      compression: CompressionTypes.GZIP,
      messages: [{ key: 'k4', value: 'from-kafkajs', headers: { origin: 'kafkajs' } }],
    });
    await producer.disconnect();
    const consumed = await kcat([
      '-b',
      bootstrap,
      '-C',
      '-t',
      topic,
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%k=%s|%h|%o\n',
    ]);
    expect(consumed.stdout.trim().split('\n')).toEqual([
      'k1=v1||0',
      'k2=v2||1',
      'k3=v3||2',
      'k4=from-kafkajs|origin=kafkajs|3',
    ]);

    // and kafkajs reads what librdkafka wrote
    const consumer = kafkaClient(broker.brokers).consumer({
      groupId: uniqueName('reader'),
      ...FAST_CONSUMER,
    });
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
    await waitFor(() => values.length === 4, 20_000, 'kafkajs reading kcat messages');
    await consumer.disconnect();
    expect(values).toEqual(['v1', 'v2', 'v3', 'from-kafkajs']);
  });

  it('lists metadata', async () => {
    const topic = uniqueName('kcat-meta');
    await kcat(['-b', broker.brokers[0]!, '-P', '-t', topic], 'x\n');
    const meta = await kcat(['-b', broker.brokers[0]!, '-L', '-J']);
    const parsed = JSON.parse(meta.stdout) as {
      controllerid: number;
      brokers: { id: number }[];
      topics: { topic: string }[];
    };
    expect(parsed.controllerid).toBe(parsed.brokers[0]!.id);
    expect(parsed.topics.map((t) => t.topic)).toContain(topic);
  });

  it('shares a topic between two -G group members, each message once, offsets committed', async () => {
    const bootstrap = broker.brokers[0]!;
    const topic = uniqueName('kcat-group');
    const groupId = uniqueName('kcat-group');
    const admin = kafkaClient(broker.brokers).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    const lines: string[] = [];
    const start = (name: string) => {
      const child = spawn(
        'kcat',
        [
          '-b',
          bootstrap,
          '-G',
          groupId,
          ...FAST_GROUP,
          '-X',
          'auto.offset.reset=earliest',
          '-q',
          '-u',
          '-f',
          `${name} %p %s\\n`,
          topic,
        ],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      members.add(child);
      let buffered = '';
      child.stdout.on('data', (d: Buffer) => {
        buffered += d.toString();
        const parts = buffered.split('\n');
        buffered = parts.pop()!;
        lines.push(...parts);
      });
      return child;
    };
    const a = start('a');
    const b = start('b');
    await waitFor(
      async () => {
        const groups = (await axios.get(`${broker.controlUrl}/groups`)).data as {
          groupId: string;
          state: string;
          members: { assignment: Record<string, number[]> }[];
        }[];
        const g = groups.find((x) => x.groupId === groupId);
        return (
          g?.state === 'Stable' &&
          g.members.length === 2 &&
          g.members.every((m) => (m.assignment[topic] ?? []).length === 2)
        );
      },
      30_000,
      'two kcat members with two partitions each',
    );

    const messages = Array.from({ length: 40 }, (_, i) => `msg-${i}`);
    for (let p = 0; p < 4; p++) {
      const mine = messages.filter((_, i) => i % 4 === p);
      expect(
        (await kcat(['-b', bootstrap, '-P', '-t', topic, '-p', String(p)], `${mine.join('\n')}\n`)).code,
      ).toBe(0);
    }
    await waitFor(() => lines.length >= 40, 30_000, '40 messages through the kcat group');
    const seen = lines.map((l) => l.split(' ')[2]);
    expect([...seen].sort()).toEqual([...messages].sort());
    expect(new Set(lines.filter((l) => l.startsWith('a ')).map((l) => l.split(' ')[1])).size).toBe(2);
    expect(new Set(lines.filter((l) => l.startsWith('b ')).map((l) => l.split(' ')[1])).size).toBe(2);

    await waitFor(
      async () => {
        const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
        return offsets[0]!.partitions.every((p) => p.offset === '10');
      },
      30_000,
      'kcat commits',
    );
    await admin.disconnect();
    for (const m of [a, b]) {
      const exited = new Promise((r) => m.once('exit', r));
      m.kill('SIGTERM');
      await exited;
      members.delete(m);
    }
  });
});
