// A consumer group of separate processes sharing a 6-partition topic, with members leaving and joining
// mid-stream: every message must be processed exactly once by the group.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import axios from 'axios';
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import type { DevKafka } from '../src/index.ts';
import { startDevKafka } from '../src/index.ts';
import { kafkaClient, uniqueName, waitFor } from './support/kafka-clients.ts';

const MEMBER_SCRIPT = new URL('./support/group-member.ts', import.meta.url).pathname;
const TOTAL = 600;

type FromMember =
  { type: 'ready' } | { type: 'stopped' } | { type: 'message'; member: string; value: string };

let broker: DevKafka;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  broker = await startDevKafka({ initialRebalanceDelayMs: 100 });
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await broker.stop();
});

type GroupView = { groupId: string; state: string; members: unknown[] };

async function groupState(groupId: string): Promise<GroupView | undefined> {
  const groups = (await axios.get(`${broker.controlUrl}/groups`)).data as GroupView[];
  return groups.find((g) => g.groupId === groupId);
}

it('processes every message exactly once across rebalances of a three-process group', async () => {
  const topic = uniqueName('group');
  const groupId = uniqueName('group');
  const kafka = kafkaClient(broker.brokers);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });

  const counts = new Map<string, number>();
  const byMember = new Map<string, number>();
  const start = async (name: string): Promise<ChildProcess> => {
    const child = fork(MEMBER_SCRIPT, [broker.brokers.join(','), topic, groupId, name, '6000'], {
      execArgv: ['--conditions=development', '--no-warnings'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    const ready = new Promise<void>((resolve, reject) => {
      child.on('message', (msg: FromMember) => {
        if (msg.type === 'ready') resolve();
        if (msg.type === 'message') {
          counts.set(msg.value, (counts.get(msg.value) ?? 0) + 1);
          byMember.set(msg.member, (byMember.get(msg.member) ?? 0) + 1);
        }
      });
      child.once('exit', (code) => reject(new Error(`member ${name} exited with ${code}`)));
    });
    await ready;
    return child;
  };
  const stop = async (child: ChildProcess) => {
    const exited = new Promise((r) => child.once('exit', r));
    child.send({ type: 'stop' });
    await exited;
  };

  const [a, b, c] = await Promise.all([start('a'), start('b'), start('c')]);
  await waitFor(
    async () => {
      const g = await groupState(groupId);
      return g?.state === 'Stable' && g.members.length === 3;
    },
    30_000,
    'three members stable',
  );

  const producer = kafka.producer();
  await producer.connect();
  let d: ChildProcess | undefined;
  for (let i = 0; i < TOTAL; i += 10) {
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, j) => ({ key: `k${i + j}`, value: `m${i + j}` })),
    });
    if (i === 200) await stop(b!);
    if (i === 350) d = await start('d');
    await new Promise((r) => setTimeout(r, 10));
  }
  await producer.disconnect();

  await waitFor(() => counts.size === TOTAL, 60_000, `all ${TOTAL} messages`);
  // everything is committed: no member has unprocessed or uncommitted work that could be redelivered
  const highs = await admin.fetchTopicOffsets(topic);
  await waitFor(
    async () => {
      const committed = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions;
      return highs.every((h) => committed.find((p) => p.partition === h.partition)?.offset === h.high);
    },
    30_000,
    'commits up to the high watermarks',
  );
  await Promise.all([a, c, d].map((m) => stop(m!)));
  await admin.disconnect();

  const duplicates = [...counts].filter(([, n]) => n > 1);
  expect(duplicates).toEqual([]);
  expect(counts.size).toBe(TOTAL);
  // the stream really was shared and moved between members
  expect(byMember.get('a')).toBeGreaterThan(0);
  expect(byMember.get('b')).toBeGreaterThan(0);
  expect(byMember.get('d')).toBeGreaterThan(0);
  expect((await groupState(groupId))?.state).toBe('Empty');
});

it('takes over the partitions of a member killed without leaving once its session times out', async () => {
  const topic = uniqueName('crash');
  const groupId = uniqueName('crash');
  const kafka = kafkaClient(broker.brokers);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
  const seen = new Set<string>();
  const start = async (name: string) => {
    const child = fork(MEMBER_SCRIPT, [broker.brokers.join(','), topic, groupId, name, '1500'], {
      execArgv: ['--conditions=development', '--no-warnings'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    await new Promise<void>((resolve) =>
      child.on('message', (msg: FromMember) => {
        if (msg.type === 'ready') resolve();
        if (msg.type === 'message') seen.add(msg.value);
      }),
    );
    return child;
  };
  const survivor = await start('survivor');
  const victim = await start('victim');
  await waitFor(
    async () => {
      const g = await groupState(groupId);
      return g?.state === 'Stable' && g.members.length === 2;
    },
    30_000,
    'two members',
  );
  const exited = new Promise((r) => victim.once('exit', r));
  victim.kill('SIGKILL');
  await exited;

  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `c${i}` })),
  });
  await producer.disconnect();
  // at least once: the survivor gets every partition after the victim's session lapses
  await waitFor(() => seen.size === 40, 30_000, 'all messages after the takeover');
  const group = await groupState(groupId);
  expect(group?.members).toHaveLength(1);
  const stopped = new Promise((r) => survivor.once('exit', r));
  survivor.send({ type: 'stop' });
  await stopped;
  await admin.disconnect();
});
