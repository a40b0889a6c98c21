// RecordBatch v2 header access. Batches are stored exactly as produced; only baseOffset (and the partition
// leader epoch), which the CRC does not cover, are ever rewritten.
import { gunzipSync, zstdDecompressSync } from 'node:zlib';
import { crc32c } from './crc32c.ts';

export const BATCH_HEADER_SIZE = 61;
/** baseOffset INT64 + batchLength INT32: the bytes that frame a batch. */
export const BATCH_FRAME_SIZE = 12;

export type BatchHeader = {
  baseOffset: number;
  /** Total size in bytes, framing included. */
  size: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
};

export type BatchProblem = 'truncated' | 'bad-magic' | 'bad-crc' | 'bad-length';

export function readBatchHeader(buf: Buffer, at = 0): BatchHeader {
  return {
    baseOffset: Number(buf.readBigInt64BE(at)),
    size: BATCH_FRAME_SIZE + buf.readInt32BE(at + 8),
    magic: buf.readInt8(at + 16),
    crc: buf.readUInt32BE(at + 17),
    attributes: buf.readInt16BE(at + 21),
    lastOffsetDelta: buf.readInt32BE(at + 23),
    baseTimestamp: Number(buf.readBigInt64BE(at + 27)),
    maxTimestamp: Number(buf.readBigInt64BE(at + 35)),
    producerId: Number(buf.readBigInt64BE(at + 43)),
    producerEpoch: buf.readInt16BE(at + 51),
    baseSequence: buf.readInt32BE(at + 53),
    recordCount: buf.readInt32BE(at + 57),
  };
}

/** Checks framing, magic and CRC of the batch starting at `at`; null when it is sound. */
export function checkBatch(buf: Buffer, at = 0): BatchProblem | null {
  if (buf.length - at < BATCH_HEADER_SIZE) return 'truncated';
  const length = buf.readInt32BE(at + 8);
  if (length < BATCH_HEADER_SIZE - BATCH_FRAME_SIZE) return 'bad-length';
  if (buf.length - at < BATCH_FRAME_SIZE + length) return 'truncated';
  if (buf.readInt8(at + 16) !== 2) return 'bad-magic';
  const expected = buf.readUInt32BE(at + 17);
  if (crc32c(buf, at + 21, at + BATCH_FRAME_SIZE + length) !== expected) return 'bad-crc';
  return null;
}

/** Splits a produce request's record set into batch views, or reports why it cannot. */
export function splitBatches(records: Buffer): { batches: Buffer[]; problem: BatchProblem | null } {
  const batches: Buffer[] = [];
  let at = 0;
  while (at < records.length) {
    const problem = checkBatch(records, at);
    if (problem) return { batches, problem };
    const size = BATCH_FRAME_SIZE + records.readInt32BE(at + 8);
    batches.push(records.subarray(at, at + size));
    at += size;
  }
  return { batches, problem: batches.length === 0 ? 'truncated' : null };
}

export function setBaseOffset(batch: Buffer, baseOffset: number): void {
  batch.writeBigInt64BE(BigInt(baseOffset), 0);
}

const CODEC_NONE = 0;
const CODEC_GZIP = 1;
const CODEC_ZSTD = 4;

function readVarint(buf: Buffer, pos: { at: number }): number {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos.at++];
    if (b === undefined) throw new RangeError('varint past end of records');
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  // zig-zag decoding without 32-bit overflow
  return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
}

/**
 * The offset and timestamp of the first record at or after `timestamp`, or null when the batch's records
 * cannot be read here (a compression codec Node does not ship); callers then fall back to the whole batch.
 */
export function findRecordByTimestamp(
  batch: Buffer,
  timestamp: number,
): { offset: number; timestamp: number } | null | 'none' {
  const header = readBatchHeader(batch);
  const codec = header.attributes & 0x07;
  let records: Buffer;
  const body = batch.subarray(BATCH_HEADER_SIZE, header.size);
  if (codec === CODEC_NONE) records = body;
  else if (codec === CODEC_GZIP) records = gunzipSync(body);
  else if (codec === CODEC_ZSTD) records = zstdDecompressSync(body);
  else return null;
  const pos = { at: 0 };
  for (let i = 0; i < header.recordCount && pos.at < records.length; i++) {
    const length = readVarint(records, pos);
    const next = pos.at + length;
    pos.at += 1; // attributes
    const recordTimestamp = header.baseTimestamp + readVarint(records, pos);
    const offsetDelta = readVarint(records, pos);
    if (recordTimestamp >= timestamp) {
      return { offset: header.baseOffset + offsetDelta, timestamp: recordTimestamp };
    }
    pos.at = next;
  }
  return 'none';
}
