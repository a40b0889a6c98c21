// kafkajs produce and consume throughput (1 KB values) against the dev broker and, in the same run, against
// librdkafka's mock cluster (bench/mock-cluster.c, compiled here with gcc against librdkafka-dev). Both
// brokers run in their own processes, so client and broker never share a thread; rounds alternate between
// the brokers and the median of each is reported, which keeps a busy machine from favouring one of them.
// Run: node --conditions=development dev/kafka/bench/throughput.ts [messages] [rounds]
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import kafkajs from 'kafkajs';
import { startBrokerProcess } from '../src/index.ts';

const { Kafka, logLevel } = kafkajs;

export type Throughput = { produce: number; consume: number };
export type ThroughputReport = {
  messages: number;
  valueBytes: number;
  rounds: number;
  devBroker: Throughput;
  devBrokerOnDisk: Throughput;
  mockCluster: Throughput;
  /** dev broker (in memory) divided by the mock cluster, for produce and consume */
  ratio: Throughput;
};

export type ThroughputOptions = {
  /** messages produced per round (default 30,000) */
  messages?: number;
  valueBytes?: number;
  /** messages per producer.send (default 500) */
  batchSize?: number;
  /** messages read per consume measurement (default 60,000) */
  consumeMessages?: number;
  rounds?: number;
  /** print every round's numbers too */
  verbose?: boolean;
  print?: (line: string) => void;
};

type Target = { name: string; brokers: string[]; results: Throughput[] };

async function produceRound(
  brokers: string[],
  topic: string,
  messages: number,
  valueBytes: number,
  batchSize: number,
) {
  const kafka = new Kafka({ brokers, clientId: 'bench', logLevel: logLevel.NOTHING });
  const value = Buffer.alloc(valueBytes, 'x');
  const producer = kafka.producer();
  await producer.connect();
  const batch = Array.from({ length: batchSize }, (_, i) => ({ key: String(i), value }));
  await producer.send({ topic, messages: batch.slice(0, 1) });
  const started = performance.now();
  for (let sent = 0; sent < messages; sent += batchSize) {
    await producer.send({ topic, acks: -1, messages: batch.slice(0, Math.min(batchSize, messages - sent)) });
  }
  const rate = messages / ((performance.now() - started) / 1000);
  await producer.disconnect();
  return rate;
}

/** Messages a consume pass re-reads: the mock cluster keeps only the last ~5 MB of a partition. */
const CONSUME_WINDOW = 4000;

/**
 * Reads `target` messages with one group member, over and over the last CONSUME_WINDOW messages of the
 * partition, so both brokers serve the same reads and seeks. Timed from the first message of the window.
 */
async function consumeRound(brokers: string[], topic: string, target: number): Promise<number> {
  const kafka = new Kafka({ brokers, clientId: 'bench', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let received = 0;
  let started = 0;
  let windowStart = -1;
  const finished = new Promise<number>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const high = Number(batch.highWatermark);
        if (windowStart < 0) windowStart = Math.max(0, high - CONSUME_WINDOW);
        const counted = batch.messages.filter((m) => Number(m.offset) >= windowStart).length;
        if (counted > 0 && started === 0) started = performance.now();
        received += counted;
        if (received >= target) resolve(performance.now());
        else if (Number(batch.lastOffset()) + 1 >= high || counted === 0) {
          consumer.seek({ topic, partition: batch.partition, offset: String(windowStart) });
        }
      },
    });
  });
  const end = await finished;
  await consumer.disconnect();
  return received / ((end - started) / 1000);
}

function buildMockCluster(dir: string): string {
  const source = new URL('./mock-cluster.c', import.meta.url).pathname;
  const binary = join(dir, 'mock-cluster');
  const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'rdkafka'], { encoding: 'utf8' }).trim();
  execFileSync('gcc', ['-O2', '-o', binary, source, ...flags.split(/\s+/).filter(Boolean)], {
    stdio: 'inherit',
  });
  return binary;
}

async function startMockCluster(
  binary: string,
  topics: string[],
): Promise<{ brokers: string[]; child: ChildProcess }> {
  const child = spawn(
    binary,
    topics.flatMap((t) => [t, '1']),
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`mock cluster exited with ${code}`)));
  });
  return { brokers: line.trim().split(','), child };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function runThroughputBench(options: ThroughputOptions = {}): Promise<ThroughputReport> {
  const messages = options.messages ?? 30_000;
  const valueBytes = options.valueBytes ?? 1024;
  const batchSize = options.batchSize ?? 500;
  const consumeMessages = options.consumeMessages ?? 60_000;
  const rounds = options.rounds ?? 3;
  const print = options.print ?? ((line: string) => console.log(line));
  const dir = mkdtempSync(join(tmpdir(), 'dev-kafka-bench-'));
  const topics = Array.from({ length: rounds + 1 }, (_, i) => `bench-${i}`);
  const inMemory = await startBrokerProcess({});
  const onDisk = await startBrokerProcess({ dataDir: join(dir, 'data') });
  const mock = await startMockCluster(buildMockCluster(dir), topics);
  try {
    const targets: Target[] = [
      { name: 'dev broker (in memory)', brokers: inMemory.brokers, results: [] },
      { name: 'dev broker (data dir, fsync)', brokers: onDisk.brokers, results: [] },
      { name: 'librdkafka mock cluster', brokers: mock.brokers, results: [] },
    ];
    print(
      `kafkajs throughput: ${messages} messages of ${valueBytes} B per round, ${batchSize} per send, acks=all; ` +
        `${rounds} rounds, medians`,
    );
    // round 0 only warms up the JIT of client and brokers
    for (let round = 0; round <= rounds; round++) {
      for (const target of targets) {
        const produce = await produceRound(target.brokers, topics[round]!, messages, valueBytes, batchSize);
        const consume = await consumeRound(target.brokers, topics[round]!, consumeMessages);
        if (round > 0) target.results.push({ produce, consume });
        if (options.verbose)
          print(
            `    round ${round} ${target.name}: produce ${Math.round(produce)}, consume ${Math.round(consume)}`,
          );
      }
    }
    const [dev, disk, mockResult] = targets.map((t) => ({
      produce: median(t.results.map((r) => r.produce)),
      consume: median(t.results.map((r) => r.consume)),
    })) as [Throughput, Throughput, Throughput];
    const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')} msg/s`.padStart(14);
    for (const [i, t] of [dev, disk, mockResult].entries()) {
      print(`  ${targets[i]!.name.padEnd(30)} produce ${fmt(t.produce)}   consume ${fmt(t.consume)}`);
    }
    const ratio = { produce: dev.produce / mockResult.produce, consume: dev.consume / mockResult.consume };
    print(
      `  ${'ratio dev (in memory) / mock'.padEnd(30)} produce ${ratio.produce.toFixed(2).padStart(14)}   consume ${ratio.consume.toFixed(2).padStart(14)}`,
    );
    return {
      messages,
      valueBytes,
      rounds,
      devBroker: dev,
      devBrokerOnDisk: disk,
      mockCluster: mockResult,
      ratio,
    };
  } finally {
    mock.child.kill('SIGTERM');
    await Promise.all([inMemory.stop(), onDisk.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.filename === process.argv[1]) {
  const [messages, rounds] = process.argv.slice(2).map(Number);
  const verbose = process.env.BENCH_VERBOSE === '1';
  runThroughputBench({ messages: messages || undefined, rounds: rounds || undefined, verbose }).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
