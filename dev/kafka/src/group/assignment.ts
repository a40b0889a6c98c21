// The consumer protocol's assignment bytes (version, [topic, [partition]], user data), decoded for display.
import { Reader } from '../protocol/reader.ts';

export type TopicPartitions = Record<string, number[]>;

export function decodeConsumerAssignment(bytes: Buffer): TopicPartitions | null {
  if (bytes.length === 0) return {};
  try {
    const r = new Reader(bytes);
    r.int16();
    const out: TopicPartitions = {};
    for (const t of r.array((r) => ({ topic: r.string(), partitions: r.array((r) => r.int32()) }))) {
      out[t.topic] = t.partitions;
    }
    return out;
  } catch {
    return null;
  }
}
