import { ApiKey } from '../protocol/api-keys.ts';
import type { ApiCodec } from './types.ts';

export type MetadataRequest = { topics: string[] | null; allowAutoTopicCreation: boolean };

export type MetadataBroker = { nodeId: number; host: string; port: number };
export type MetadataPartition = { errorCode: number; partition: number; leader: number; replicas: number[] };
export type MetadataTopic = {
  errorCode: number;
  name: string;
  isInternal: boolean;
  partitions: MetadataPartition[];
};
export type MetadataResponse = {
  brokers: MetadataBroker[];
  clusterId: string;
  controllerId: number;
  topics: MetadataTopic[];
};

export const metadataCodec: ApiCodec<MetadataRequest, MetadataResponse> = {
  apiKey: ApiKey.Metadata,
  decode(r, version) {
    const topics = r.nullableArray((r) => r.string());
    const allowAutoTopicCreation = version >= 4 ? r.boolean() : true;
    return { topics, allowAutoTopicCreation };
  },
  encode(w, version, resp) {
    if (version >= 3) w.int32(0);
    w.array(resp.brokers, (w, b) => w.int32(b.nodeId).string(b.host).int32(b.port).nullableString(null));
    if (version >= 2) w.nullableString(resp.clusterId);
    w.int32(resp.controllerId);
    w.array(resp.topics, (w, t) => {
      w.int16(t.errorCode).string(t.name).boolean(t.isInternal);
      w.array(t.partitions, (w, p) => {
        w.int16(p.errorCode).int32(p.partition).int32(p.leader);
        w.array(p.replicas, (w, n) => w.int32(n));
        w.array(p.replicas, (w, n) => w.int32(n));
        if (version >= 5) w.array([], () => undefined);
      });
    });
  },
  errorResponse: (req, code) => ({
    brokers: [],
    clusterId: '',
    controllerId: -1,
    topics: (req.topics ?? []).map((name) => ({ errorCode: code, name, isInternal: false, partitions: [] })),
  }),
};
