// Idempotent-producer bookkeeping per partition: the last few batches of each producer id, so that a retried
// batch is acknowledged with its original offset instead of being appended twice.
import { ErrorCode } from '../protocol/error-codes.ts';

const BATCHES_KEPT = 5;
const INT32_MAX = 2147483647;

type ProducerBatch = { firstSeq: number; lastSeq: number; baseOffset: number };
type ProducerEntry = { epoch: number; batches: ProducerBatch[] };

export type SequenceCheck =
  { kind: 'append' } | { kind: 'duplicate'; baseOffset: number } | { kind: 'error'; errorCode: number };

export function lastSequence(firstSeq: number, lastOffsetDelta: number): number {
  const last = firstSeq + lastOffsetDelta;
  return last > INT32_MAX ? last - INT32_MAX - 1 : last;
}

function nextSequence(seq: number): number {
  return seq === INT32_MAX ? 0 : seq + 1;
}

export class ProducerState {
  private producers = new Map<number, ProducerEntry>();

  check(producerId: number, epoch: number, firstSeq: number, lastSeq: number): SequenceCheck {
    const entry = this.producers.get(producerId);
    if (!entry) return { kind: 'append' };
    if (epoch < entry.epoch) return { kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
    if (epoch > entry.epoch) {
      return firstSeq === 0
        ? { kind: 'append' }
        : { kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    }
    const same = entry.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
    if (same) return { kind: 'duplicate', baseOffset: same.baseOffset };
    const last = entry.batches[entry.batches.length - 1];
    if (last && firstSeq !== nextSequence(last.lastSeq)) {
      return { kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    }
    return { kind: 'append' };
  }

  record(producerId: number, epoch: number, firstSeq: number, lastSeq: number, baseOffset: number): void {
    let entry = this.producers.get(producerId);
    if (!entry || entry.epoch !== epoch) {
      entry = { epoch, batches: [] };
      this.producers.set(producerId, entry);
    }
    entry.batches.push({ firstSeq, lastSeq, baseOffset });
    if (entry.batches.length > BATCHES_KEPT) entry.batches.shift();
  }

  get size(): number {
    return this.producers.size;
  }
}
