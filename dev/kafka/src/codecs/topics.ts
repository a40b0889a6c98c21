import { ApiKey } from '../protocol/api-keys.ts';
import type { ApiCodec } from './types.ts';

export type CreatableTopic = {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: { partition: number; brokerIds: number[] }[];
  configs: { name: string; value: string | null }[];
};
export type CreateTopicsRequest = { topics: CreatableTopic[]; timeoutMs: number; validateOnly: boolean };
export type TopicResult = { name: string; errorCode: number; errorMessage: string | null };
export type CreateTopicsResponse = { topics: TopicResult[] };

export const createTopicsCodec: ApiCodec<CreateTopicsRequest, CreateTopicsResponse> = {
  apiKey: ApiKey.CreateTopics,
  decode(r, version) {
    const topics = r.array((r) => ({
      name: r.string(),
      numPartitions: r.int32(),
      replicationFactor: r.int16(),
      assignments: r.array((r) => ({ partition: r.int32(), brokerIds: r.array((r) => r.int32()) })),
      configs: r.array((r) => ({ name: r.string(), value: r.nullableString() })),
    }));
    const timeoutMs = r.int32();
    const validateOnly = version >= 1 ? r.boolean() : false;
    return { topics, timeoutMs, validateOnly };
  },
  encode(w, version, resp) {
    if (version >= 2) w.int32(0);
    w.array(resp.topics, (w, t) => {
      w.string(t.name).int16(t.errorCode);
      if (version >= 1) w.nullableString(t.errorMessage);
    });
  },
  errorResponse: (req, code) => ({
    topics: req.topics.map((t) => ({ name: t.name, errorCode: code, errorMessage: null })),
  }),
};

export type DeleteTopicsRequest = { names: string[]; timeoutMs: number };
export type DeleteTopicsResponse = { topics: { name: string; errorCode: number }[] };

export const deleteTopicsCodec: ApiCodec<DeleteTopicsRequest, DeleteTopicsResponse> = {
  apiKey: ApiKey.DeleteTopics,
  decode: (r) => ({ names: r.array((r) => r.string()), timeoutMs: r.int32() }),
  encode(w, version, resp) {
    if (version >= 1) w.int32(0);
    w.array(resp.topics, (w, t) => w.string(t.name).int16(t.errorCode));
  },
  errorResponse: (req, code) => ({ topics: req.names.map((name) => ({ name, errorCode: code })) }),
};
