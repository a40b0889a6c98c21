import { ApiKey } from '../protocol/api-keys.ts';
import type { ApiCodec } from './types.ts';

export type ProducePartitionData = { partition: number; records: Buffer | null };
export type ProduceRequest = {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topics: { name: string; partitions: ProducePartitionData[] }[];
};
export type ProducePartitionResult = {
  partition: number;
  errorCode: number;
  baseOffset: number;
  logAppendTime: number;
  logStartOffset: number;
};
export type ProduceResponse = { topics: { name: string; partitions: ProducePartitionResult[] }[] };

export const produceCodec: ApiCodec<ProduceRequest, ProduceResponse> = {
  apiKey: ApiKey.Produce,
  decode(r) {
    return {
      transactionalId: r.nullableString(),
      acks: r.int16(),
      timeoutMs: r.int32(),
      topics: r.array((r) => ({
        name: r.string(),
        partitions: r.array((r) => ({ partition: r.int32(), records: r.nullableBytes() })),
      })),
    };
  },
  encode(w, version, resp) {
    w.array(resp.topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (w, p) => {
        w.int32(p.partition).int16(p.errorCode).int64(p.baseOffset).int64(p.logAppendTime);
        if (version >= 5) w.int64(p.logStartOffset);
      });
    });
    w.int32(0);
  },
  errorResponse: (req, code) => ({
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        errorCode: code,
        baseOffset: -1,
        logAppendTime: -1,
        logStartOffset: -1,
      })),
    })),
  }),
};
