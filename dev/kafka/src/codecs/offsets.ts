import { ApiKey } from '../protocol/api-keys.ts';
import type { ApiCodec } from './types.ts';

export type OffsetCommitRequest = {
  groupId: string;
  generationId: number;
  memberId: string;
  topics: { name: string; partitions: { partition: number; offset: number; metadata: string | null }[] }[];
};
export type PartitionErrors = { name: string; partitions: { partition: number; errorCode: number }[] }[];
export type OffsetCommitResponse = { topics: PartitionErrors };

export const offsetCommitCodec: ApiCodec<OffsetCommitRequest, OffsetCommitResponse> = {
  apiKey: ApiKey.OffsetCommit,
  decode(r, version) {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    if (version >= 2 && version <= 4) r.int64(); // retention_time_ms: offsets are kept for good
    const topics = r.array((r) => ({
      name: r.string(),
      partitions: r.array((r) => ({ partition: r.int32(), offset: r.int64(), metadata: r.nullableString() })),
    }));
    return { groupId, generationId, memberId, topics };
  },
  encode(w, version, resp) {
    if (version >= 3) w.int32(0);
    w.array(resp.topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (w, p) => w.int32(p.partition).int16(p.errorCode));
    });
  },
  errorResponse: (req, code) => ({
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: code })),
    })),
  }),
};

export type OffsetFetchRequest = { groupId: string; topics: { name: string; partitions: number[] }[] | null };
export type FetchedOffset = { partition: number; offset: number; metadata: string | null; errorCode: number };
export type OffsetFetchResponse = {
  errorCode: number;
  topics: { name: string; partitions: FetchedOffset[] }[];
};

export const offsetFetchCodec: ApiCodec<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: ApiKey.OffsetFetch,
  decode: (r) => ({
    groupId: r.string(),
    topics: r.nullableArray((r) => ({ name: r.string(), partitions: r.array((r) => r.int32()) })),
  }),
  encode(w, version, resp) {
    if (version >= 3) w.int32(0);
    w.array(resp.topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (w, p) =>
        w.int32(p.partition).int64(p.offset).nullableString(p.metadata).int16(p.errorCode),
      );
    });
    if (version >= 2) w.int16(resp.errorCode);
  },
  errorResponse: (_req, code) => ({ errorCode: code, topics: [] }),
};
