import { ApiKey } from '../protocol/api-keys.ts';
import type { ApiCodec } from './types.ts';

export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;

export type ListOffsetsRequest = {
  isolationLevel: number;
  topics: { name: string; partitions: { partition: number; timestamp: number }[] }[];
};
export type ListOffsetsPartitionResult = {
  partition: number;
  errorCode: number;
  timestamp: number;
  offset: number;
};
export type ListOffsetsResponse = { topics: { name: string; partitions: ListOffsetsPartitionResult[] }[] };

export const listOffsetsCodec: ApiCodec<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: ApiKey.ListOffsets,
  decode(r, version) {
    r.int32(); // replica_id
    const isolationLevel = version >= 2 ? r.int8() : 0;
    const topics = r.array((r) => ({
      name: r.string(),
      partitions: r.array((r) => ({ partition: r.int32(), timestamp: r.int64() })),
    }));
    return { isolationLevel, topics };
  },
  encode(w, version, resp) {
    if (version >= 2) w.int32(0);
    w.array(resp.topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (w, p) =>
        w.int32(p.partition).int16(p.errorCode).int64(p.timestamp).int64(p.offset),
      );
    });
  },
  errorResponse: (req, code) => ({
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        errorCode: code,
        timestamp: -1,
        offset: -1,
      })),
    })),
  }),
};
