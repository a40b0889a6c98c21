// One partition's log: an index of stored batches over a segment, appends with offset assignment and
// idempotence checks, reads of whole batches, lookups by timestamp, and recovery of a segment file.
import { closeSync, existsSync, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import { ErrorCode } from '../protocol/error-codes.ts';
import {
  BATCH_FRAME_SIZE,
  BATCH_HEADER_SIZE,
  checkBatch,
  findRecordByTimestamp,
  readBatchHeader,
  setBaseOffset,
} from '../protocol/record-batch.ts';
import { lastSequence, ProducerState } from './producer-state.ts';
import type { SegmentStorage } from './segment.ts';
import { FileSegment, MemorySegment } from './segment.ts';

export type BatchEntry = {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  position: number;
  size: number;
};

export type AppendResult = { errorCode: number; baseOffset: number; appended: boolean };
export type ReadResult = { errorCode: number; chunks: Buffer[]; bytes: number };
export type RecoveryReport = { batches: number; truncatedBytes: number };

export class PartitionLog {
  readonly logStartOffset = 0;
  private entries: BatchEntry[] = [];
  private end = 0;
  private readonly producers = new ProducerState();
  private readonly storage: SegmentStorage;

  private constructor(storage: SegmentStorage) {
    this.storage = storage;
  }

  static inMemory(): PartitionLog {
    return new PartitionLog(new MemorySegment());
  }

  /** Opens (or creates) a segment file, keeping every whole, CRC-valid batch and truncating the rest. */
  static open(path: string): { log: PartitionLog; report: RecoveryReport } {
    if (!existsSync(path)) writeFileSync(path, '');
    const scanned = scanSegment(path);
    const log = new PartitionLog(new FileSegment(path, scanned.validLength));
    for (const b of scanned.batches) log.index(b.header, b.position);
    return {
      log,
      report: { batches: scanned.batches.length, truncatedBytes: scanned.fileLength - scanned.validLength },
    };
  }

  get logEndOffset(): number {
    return this.end;
  }

  get highWatermark(): number {
    return this.end;
  }

  get sizeInBytes(): number {
    return this.storage.size();
  }

  syncTarget(): { fd(): number | null } {
    return this.storage;
  }

  close(): void {
    this.storage.close();
  }

  /**
   * Appends validated batches, assigning offsets. A retried idempotent batch is not appended again: the
   * result carries its original base offset.
   */
  append(batches: readonly Buffer[]): AppendResult {
    let firstOffset = -1;
    let appended = false;
    for (const batch of batches) {
      const header = readBatchHeader(batch);
      const lastSeq = lastSequence(header.baseSequence, header.lastOffsetDelta);
      if (header.producerId >= 0) {
        const check = this.producers.check(
          header.producerId,
          header.producerEpoch,
          header.baseSequence,
          lastSeq,
        );
        if (check.kind === 'error') return { errorCode: check.errorCode, baseOffset: -1, appended };
        if (check.kind === 'duplicate') {
          if (firstOffset < 0) firstOffset = check.baseOffset;
          continue;
        }
      }
      const baseOffset = this.end;
      setBaseOffset(batch, baseOffset);
      const position = this.storage.append(batch);
      this.index({ ...header, baseOffset }, position);
      appended = true;
      if (firstOffset < 0) firstOffset = baseOffset;
    }
    return { errorCode: ErrorCode.NONE, baseOffset: firstOffset, appended };
  }

  private index(header: ReturnType<typeof readBatchHeader>, position: number): void {
    const lastOffset = header.baseOffset + header.lastOffsetDelta;
    this.entries.push({
      baseOffset: header.baseOffset,
      lastOffset,
      maxTimestamp: header.maxTimestamp,
      position,
      size: header.size,
    });
    this.end = lastOffset + 1;
    if (header.producerId >= 0) {
      const lastSeq = lastSequence(header.baseSequence, header.lastOffsetDelta);
      this.producers.record(
        header.producerId,
        header.producerEpoch,
        header.baseSequence,
        lastSeq,
        header.baseOffset,
      );
    }
  }

  /** Index of the first batch whose last offset is at or after `offset`. */
  private firstBatchFrom(offset: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Whole batches from the one containing `fetchOffset`, up to `maxBytes` — but always at least that first
   * batch, however big, so a consumer can never get stuck behind an oversized batch.
   */
  read(fetchOffset: number, maxBytes: number): ReadResult {
    if (fetchOffset < this.logStartOffset || fetchOffset > this.end) {
      return { errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, chunks: [], bytes: 0 };
    }
    const first = this.firstBatchFrom(fetchOffset);
    let last = first;
    let bytes = 0;
    while (last < this.entries.length) {
      const e = this.entries[last]!;
      if (last > first && bytes + e.size > maxBytes) break;
      bytes += e.size;
      last++;
    }
    if (bytes === 0) return { errorCode: ErrorCode.NONE, chunks: [], bytes: 0 };
    const start = this.entries[first]!.position;
    return { errorCode: ErrorCode.NONE, chunks: this.storage.read(start, bytes), bytes };
  }

  /** The earliest offset whose record timestamp is at or after `timestamp`, or null when there is none. */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null {
    for (const e of this.entries) {
      if (e.maxTimestamp < timestamp) continue;
      const batch = Buffer.concat(this.storage.read(e.position, e.size));
      const found = findRecordByTimestamp(batch, timestamp);
      if (found === 'none') continue;
      return found ?? { offset: e.baseOffset, timestamp: e.maxTimestamp };
    }
    return null;
  }
}

type ScannedBatch = { header: ReturnType<typeof readBatchHeader>; position: number };

function scanSegment(path: string): { batches: ScannedBatch[]; validLength: number; fileLength: number } {
  const fd = openSync(path, 'r');
  try {
    const fileLength = fstatSync(fd).size;
    const batches: ScannedBatch[] = [];
    const head = Buffer.alloc(BATCH_HEADER_SIZE);
    let position = 0;
    let expectedOffset = 0;
    while (position + BATCH_HEADER_SIZE <= fileLength) {
      readSync(fd, head, 0, BATCH_HEADER_SIZE, position);
      const size = BATCH_FRAME_SIZE + head.readInt32BE(8);
      if (size < BATCH_HEADER_SIZE || position + size > fileLength) break;
      const batch = Buffer.allocUnsafe(size);
      readSync(fd, batch, 0, size, position);
      if (checkBatch(batch) !== null) break;
      const header = readBatchHeader(batch);
      if (header.baseOffset !== expectedOffset) break;
      batches.push({ header, position });
      expectedOffset = header.baseOffset + header.lastOffsetDelta + 1;
      position += size;
    }
    return { batches, validLength: position, fileLength };
  } finally {
    closeSync(fd);
  }
}
