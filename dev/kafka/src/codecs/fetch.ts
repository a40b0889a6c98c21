import { ApiKey } from '../protocol/api-keys.ts';
import type { ApiCodec } from './types.ts';

export type FetchPartitionRequest = { partition: number; fetchOffset: number; partitionMaxBytes: number };
export type FetchRequest = {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  topics: { name: string; partitions: FetchPartitionRequest[] }[];
};
export type FetchPartitionResult = {
  partition: number;
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  /** Whole stored batches, written back to back. */
  records: Buffer[];
};
export type FetchResponse = {
  errorCode: number;
  topics: { name: string; partitions: FetchPartitionResult[] }[];
};

export const fetchCodec: ApiCodec<FetchRequest, FetchResponse> = {
  apiKey: ApiKey.Fetch,
  decode(r, version) {
    r.int32(); // replica_id
    const maxWaitMs = r.int32();
    const minBytes = r.int32();
    const maxBytes = r.int32();
    const isolationLevel = r.int8();
    if (version >= 7) {
      r.int32(); // session_id: every fetch is handled as a sessionless full fetch
      r.int32(); // session_epoch
    }
    const topics = r.array((r) => ({
      name: r.string(),
      partitions: r.array((r) => {
        const partition = r.int32();
        if (version >= 9) r.int32(); // current_leader_epoch
        const fetchOffset = r.int64();
        if (version >= 5) r.int64(); // log_start_offset (followers only)
        return { partition, fetchOffset, partitionMaxBytes: r.int32() };
      }),
    }));
    if (version >= 7) r.array((r) => [r.string(), r.array((r) => r.int32())]);
    if (version >= 11) r.string(); // rack_id
    return { maxWaitMs, minBytes, maxBytes, isolationLevel, topics };
  },
  encode(w, version, resp) {
    w.int32(0);
    if (version >= 7) w.int16(resp.errorCode).int32(0);
    w.array(resp.topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (w, p) => {
        w.int32(p.partition).int16(p.errorCode).int64(p.highWatermark).int64(p.highWatermark);
        if (version >= 5) w.int64(p.logStartOffset);
        w.array([], () => undefined); // aborted_transactions
        if (version >= 11) w.int32(-1); // preferred_read_replica
        w.bytesChunks(p.records);
      });
    });
  },
  errorResponse: (req, code) => ({
    errorCode: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        errorCode: code,
        highWatermark: -1,
        logStartOffset: -1,
        records: [],
      })),
    })),
  }),
};
