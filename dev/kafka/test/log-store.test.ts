import { describe, expect, it } from '@jest/globals';
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, startDevKafka } from '../src/index.ts';
import { LogStore } from '../src/log/log-store.ts';
import { PartitionLog } from '../src/log/partition-log.ts';
import { ErrorCode } from '../src/protocol/error-codes.ts';
import { readBatchHeader, splitBatches } from '../src/protocol/record-batch.ts';
import { decodeRecordBatch, recordBatch } from './support/kafkajs-internals.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'dev-kafka-log-'));
}

async function batchOf(n: number, prefix = 'm', options = {}): Promise<Buffer> {
  return recordBatch(
    Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: `${prefix}-value-${i}` })),
    options,
  );
}

async function values(chunks: Buffer[]): Promise<string[]> {
  const all = Buffer.concat(chunks);
  const out: string[] = [];
  for (const { batches } of [splitBatches(all)]) {
    for (const b of batches) {
      const decoded = await decodeRecordBatch(b);
      for (const r of decoded.records) out.push(`${r.offset}:${r.value?.toString()}`);
    }
  }
  return out;
}

describe('PartitionLog', () => {
  it('assigns offsets by rewriting only the base offset and serves whole batches', async () => {
    const log = PartitionLog.inMemory();
    const first = await batchOf(3, 'a');
    const second = await batchOf(2, 'b');
    const secondBytes = Buffer.from(second);
    expect(log.append([first]).baseOffset).toBe(0);
    expect(log.append([second]).baseOffset).toBe(3);
    expect(log.highWatermark).toBe(5);
    const read = log.read(0, 1_000_000);
    expect(await values(read.chunks)).toEqual([
      '0:a-value-0',
      '1:a-value-1',
      '2:a-value-2',
      '3:b-value-0',
      '4:b-value-1',
    ]);
    const stored = Buffer.concat(read.chunks).subarray(first.length);
    // everything after the base offset is byte-identical to what the client sent
    expect(stored.subarray(8).equals(secondBytes.subarray(8))).toBe(true);
    expect(readBatchHeader(stored).baseOffset).toBe(3);
  });

  it('starts at the batch containing the fetch offset, never one wholly below it', async () => {
    const log = PartitionLog.inMemory();
    log.append([await batchOf(3, 'a')]);
    log.append([await batchOf(3, 'b')]);
    expect(await values(log.read(3, 1_000_000).chunks)).toEqual([
      '3:b-value-0',
      '4:b-value-1',
      '5:b-value-2',
    ]);
    // an offset inside a batch returns that whole batch; the client drops the records below its offset
    expect((await values(log.read(4, 1_000_000).chunks))[0]).toBe('3:b-value-0');
  });

  it('returns at least one whole batch even when it exceeds the byte limit, and stops before the next', async () => {
    const log = PartitionLog.inMemory();
    const big = await batchOf(50, 'big');
    log.append([big]);
    log.append([await batchOf(1, 'small')]);
    const read = log.read(0, 10);
    expect(read.bytes).toBe(big.length);
    expect((await values(read.chunks)).length).toBe(50);
  });

  it('answers OFFSET_OUT_OF_RANGE beyond the high watermark and nothing at it', async () => {
    const log = PartitionLog.inMemory();
    log.append([await batchOf(2)]);
    expect(log.read(2, 1000)).toEqual({ errorCode: ErrorCode.NONE, chunks: [], bytes: 0 });
    expect(log.read(3, 1000).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(log.read(-1, 1000).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it('acknowledges a retried idempotent batch with its original offset without appending it again', async () => {
    const log = PartitionLog.inMemory();
    log.append([await batchOf(1, 'x')]);
    const batch = await batchOf(2, 'p', { producerId: 7, firstSequence: 0 });
    expect(log.append([Buffer.from(batch)])).toMatchObject({ baseOffset: 1, appended: true });
    expect(log.append([Buffer.from(batch)])).toMatchObject({ baseOffset: 1, appended: false });
    expect(log.highWatermark).toBe(3);
    const next = await batchOf(1, 'q', { producerId: 7, firstSequence: 2 });
    expect(log.append([next])).toMatchObject({ baseOffset: 3, appended: true });
    const gap = await batchOf(1, 'r', { producerId: 7, firstSequence: 9 });
    expect(log.append([gap]).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    const fenced = await batchOf(1, 's', { producerId: 7, producerEpoch: -1, firstSequence: 3 });
    expect(log.append([fenced]).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('finds offsets by record timestamp', async () => {
    const log = PartitionLog.inMemory();
    const base = 1_700_000_000_000;
    log.append([
      await recordBatch(
        [
          { value: 'a', timestamp: base },
          { value: 'b', timestamp: base + 10 },
        ],
        { firstTimestamp: base },
      ),
    ]);
    log.append([await recordBatch([{ value: 'c', timestamp: base + 20 }], { firstTimestamp: base + 20 })]);
    expect(log.offsetForTimestamp(base + 5)).toEqual({ offset: 1, timestamp: base + 10 });
    expect(log.offsetForTimestamp(base + 15)).toEqual({ offset: 2, timestamp: base + 20 });
    expect(log.offsetForTimestamp(base + 21)).toBeNull();
  });
});

describe('LogStore on disk', () => {
  it('keeps topics, offsets and configs across a restart', async () => {
    const dir = tempDir();
    try {
      const store = new LogStore({ dataDir: dir });
      store.open();
      expect(store.createTopic('orders', 2, { 'retention.ms': '1000' })).toBe(ErrorCode.NONE);
      const log = store.partition('orders', 1)!;
      log.append([await batchOf(3)]);
      await store.flush([log]);
      const clusterId = store.clusterId;
      store.close();

      const reopened = new LogStore({ dataDir: dir });
      reopened.open();
      expect(reopened.clusterId).toBe(clusterId);
      expect(reopened.topic('orders')).toMatchObject({ partitions: 2, configs: { 'retention.ms': '1000' } });
      expect(reopened.partition('orders', 1)!.highWatermark).toBe(3);
      expect(reopened.partition('orders', 0)!.highWatermark).toBe(0);
      expect(await values(reopened.partition('orders', 1)!.read(0, 1 << 20).chunks)).toHaveLength(3);
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['a torn tail (half a batch)', (path: string, good: number) => truncateSync(path, good + 30)],
    ['a partial header', (path: string, good: number) => truncateSync(path, good + 5)],
    [
      'a tail whose CRC does not match',
      (path: string, good: number) => {
        const bytes = readFileSync(path);
        bytes.writeUInt8(bytes.readUInt8(bytes.length - 3) ^ 0xff, bytes.length - 3);
        writeFileSync(path, bytes);
        expect(bytes.length).toBeGreaterThan(good);
      },
    ],
    [
      'trailing garbage',
      (path: string, good: number) => {
        truncateSync(path, good);
        appendFileSync(path, Buffer.alloc(100, 7));
      },
    ],
  ])('truncates %s on recovery and keeps every whole batch', async (_name, damage) => {
    const dir = tempDir();
    try {
      const store = new LogStore({ dataDir: dir });
      store.open();
      store.createTopic('t', 1);
      const log = store.partition('t', 0)!;
      log.append([await batchOf(2, 'a')]);
      log.append([await batchOf(2, 'b')]);
      const good = log.sizeInBytes;
      log.append([await batchOf(2, 'c')]);
      store.close();
      const path = join(dir, 'topics', 't', '0', '00000000000000000000.log');
      damage(path, good);

      const logs: Record<string, unknown>[] = [];
      const reopened = new LogStore({ dataDir: dir, log: (l) => logs.push(l) });
      reopened.open();
      const recovered = reopened.partition('t', 0)!;
      expect(recovered.highWatermark).toBe(4);
      expect(statSync(path).size).toBe(good);
      expect(logs.some((l) => l.msg === 'truncated torn log tail')).toBe(true);
      // appending after recovery continues the offsets
      expect(recovered.append([await batchOf(1, 'd')]).baseOffset).toBe(4);
      expect(await values(recovered.read(0, 1 << 20).chunks)).toEqual([
        '0:a-value-0',
        '1:a-value-1',
        '2:b-value-0',
        '3:b-value-1',
        '4:d-value-0',
      ]);
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('deletes a topic with its files', () => {
    const dir = tempDir();
    try {
      const store = new LogStore({ dataDir: dir });
      store.open();
      store.createTopic('gone', 1);
      expect(store.deleteTopic('gone')).toBe(ErrorCode.NONE);
      expect(store.deleteTopic('gone')).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      store.close();
      const reopened = new LogStore({ dataDir: dir });
      reopened.open();
      expect(reopened.topics()).toEqual([]);
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects illegal topic names', () => {
    const store = new LogStore({});
    store.open();
    expect(store.createTopic('bad/name', 1)).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(store.createTopic('..', 1)).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(store.createTopic('ok', 0)).toBe(ErrorCode.INVALID_PARTITIONS);
  });
});

describe('data directory lock', () => {
  it('lets one broker at a time use a data directory and takes over a dead owner', async () => {
    const dir = tempDir();
    try {
      const first = await startDevKafka({ dataDir: dir });
      await expect(startDevKafka({ dataDir: dir })).rejects.toThrow(DataDirInUseError);
      await first.stop();
      const second = await startDevKafka({ dataDir: dir });
      await second.stop();
      // a lock left by a process that is gone (a SIGKILLed broker) does not block a restart
      writeFileSync(join(dir, '.lock'), '2147483646');
      const third = await startDevKafka({ dataDir: dir });
      await third.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
