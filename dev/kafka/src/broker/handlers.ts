// What the broker does for each API: the request handlers behind the codecs.
import {
  apiVersionsCodec,
  createTopicsCodec,
  deleteTopicsCodec,
  describeGroupsCodec,
  fetchCodec,
  findCoordinatorCodec,
  heartbeatCodec,
  initProducerIdCodec,
  joinGroupCodec,
  leaveGroupCodec,
  listGroupsCodec,
  listOffsetsCodec,
  metadataCodec,
  offsetCommitCodec,
  offsetFetchCodec,
  produceCodec,
  syncGroupCodec,
} from '../codecs/index.ts';
import type { FetchPartitionResult, FetchRequest, FetchResponse } from '../codecs/fetch.ts';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '../codecs/list-offsets.ts';
import type { MetadataRequest, MetadataResponse, MetadataTopic } from '../codecs/metadata.ts';
import type { ProduceRequest, ProduceResponse } from '../codecs/produce.ts';
import type { ApiCodec } from '../codecs/types.ts';
import type { GroupCoordinator } from '../group/coordinator.ts';
import type { OffsetStore } from '../group/offset-store.ts';
import type { LogStore } from '../log/log-store.ts';
import type { PartitionLog } from '../log/partition-log.ts';
import { SUPPORTED_VERSIONS } from '../protocol/api-keys.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import { splitBatches } from '../protocol/record-batch.ts';
import type { FetchWaiters } from './fetch-waiters.ts';
import { partitionKey } from './fetch-waiters.ts';

export const NODE_ID = 1;
/** While a group is rebalancing, fetches are answered this soon so members see the rebalance quickly. */
const REBALANCE_FETCH_WAIT_MS = 50;

export type RequestContext = {
  version: number;
  clientId: string;
  clientHost: string;
  /** host and port this broker advertises to the client on this connection */
  advertised: { host: string; port: number };
};

export type BrokerSettings = { autoCreateTopics: boolean; defaultPartitions: number };

export type Api<Req, Resp> = {
  codec: ApiCodec<Req, Resp>;
  /** Returns null when no response is sent (Produce with acks=0). */
  handle(req: Req, ctx: RequestContext): Resp | null | Promise<Resp | null>;
};

/** An API with its request and response types erased, for the dispatcher's table. */
export type AnyApi = Api<unknown, unknown>;

function api<Req, Resp>(codec: ApiCodec<Req, Resp>, handle: Api<Req, Resp>['handle']): AnyApi {
  return { codec, handle } as unknown as AnyApi;
}

export type BrokerParts = {
  store: LogStore;
  offsets: OffsetStore;
  coordinator: GroupCoordinator;
  waiters: FetchWaiters;
  settings: BrokerSettings;
  isClosing: () => boolean;
};

export function brokerApis(parts: BrokerParts): Map<number, AnyApi> {
  const { store, coordinator, waiters, settings } = parts;

  const ensureTopic = (name: string): number => {
    if (store.topic(name)) return ErrorCode.NONE;
    if (!settings.autoCreateTopics) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    return store.createTopic(name, settings.defaultPartitions);
  };

  const metadata = (req: MetadataRequest, ctx: RequestContext): MetadataResponse => {
    const names = req.topics ?? store.topics().map((t) => t.name);
    const topics = names.map((name): MetadataTopic => {
      let errorCode: number = ErrorCode.NONE;
      if (!store.topic(name)) {
        errorCode = req.allowAutoTopicCreation ? ensureTopic(name) : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      }
      const topic = store.topic(name);
      if (!topic) return { errorCode, name, isInternal: false, partitions: [] };
      return {
        errorCode: ErrorCode.NONE,
        name,
        isInternal: false,
        partitions: topic.logs.map((_, partition) => ({
          errorCode: ErrorCode.NONE,
          partition,
          leader: NODE_ID,
          replicas: [NODE_ID],
        })),
      };
    });
    return {
      brokers: [{ nodeId: NODE_ID, host: ctx.advertised.host, port: ctx.advertised.port }],
      clusterId: store.clusterId,
      controllerId: NODE_ID,
      topics,
    };
  };

  const produce = async (req: ProduceRequest): Promise<ProduceResponse | null> => {
    const touched: PartitionLog[] = [];
    const validAcks = req.acks === 0 || req.acks === 1 || req.acks === -1;
    const response: ProduceResponse = {
      topics: req.topics.map((t) => {
        const topicError = validAcks ? ensureTopic(t.name) : ErrorCode.INVALID_REQUIRED_ACKS;
        return {
          name: t.name,
          partitions: t.partitions.map((p) => {
            const result = {
              partition: p.partition,
              errorCode: topicError,
              baseOffset: -1,
              logAppendTime: -1,
              logStartOffset: -1,
            };
            if (topicError !== ErrorCode.NONE) return result;
            const log = store.partition(t.name, p.partition);
            if (!log) return { ...result, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
            const { batches, problem } = splitBatches(p.records ?? Buffer.alloc(0));
            if (problem) return { ...result, errorCode: ErrorCode.CORRUPT_MESSAGE };
            const appended = log.append(batches);
            if (appended.appended) {
              touched.push(log);
              store.notify(t.name, p.partition);
            }
            return {
              ...result,
              errorCode: appended.errorCode,
              baseOffset: appended.baseOffset,
              logStartOffset: log.logStartOffset,
            };
          }),
        };
      }),
    };
    if (req.acks === -1) await store.flush(touched);
    return req.acks === 0 ? null : response;
  };

  const readFetch = (req: FetchRequest): { response: FetchResponse; bytes: number; failed: boolean } => {
    let remaining = req.maxBytes;
    let bytes = 0;
    let failed = false;
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p): FetchPartitionResult => {
        const log = store.partition(t.name, p.partition);
        if (!log) {
          failed = true;
          return {
            partition: p.partition,
            errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            highWatermark: -1,
            logStartOffset: -1,
            records: [],
          };
        }
        const read = log.read(p.fetchOffset, Math.max(0, Math.min(p.partitionMaxBytes, remaining)));
        if (read.errorCode !== ErrorCode.NONE) failed = true;
        remaining -= read.bytes;
        bytes += read.bytes;
        return {
          partition: p.partition,
          errorCode: read.errorCode,
          highWatermark: log.highWatermark,
          logStartOffset: log.logStartOffset,
          records: read.chunks,
        };
      }),
    }));
    return { response: { errorCode: ErrorCode.NONE, topics }, bytes, failed };
  };

  const fetch = async (req: FetchRequest): Promise<FetchResponse> => {
    const deadline = Date.now() + req.maxWaitMs;
    const keys = req.topics.flatMap((t) => t.partitions.map((p) => partitionKey(t.name, p.partition)));
    for (;;) {
      const read = readFetch(req);
      const left = deadline - Date.now();
      if (read.failed || read.bytes >= Math.max(1, req.minBytes) || left <= 0 || parts.isClosing()) {
        return read.response;
      }
      const wait = coordinator.isRebalancing() ? Math.min(left, REBALANCE_FETCH_WAIT_MS) : left;
      const reason = await waiters.park(keys, wait);
      if (reason === 'rebalance' || reason === 'closed' || (reason === 'timeout' && wait < left)) {
        return readFetch(req).response;
      }
    }
  };

  const topicExists = (topic: string, partition: number): boolean =>
    store.partition(topic, partition) !== undefined;

  const apis = [
    api(apiVersionsCodec, () => ({ errorCode: ErrorCode.NONE, apiKeys: SUPPORTED_VERSIONS })),
    api(metadataCodec, metadata),
    api(produceCodec, produce),
    api(fetchCodec, fetch),
    api(listOffsetsCodec, (req) => ({
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const log = store.partition(t.name, p.partition);
          if (!log) {
            return {
              partition: p.partition,
              errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              timestamp: -1,
              offset: -1,
            };
          }
          if (p.timestamp === LATEST_TIMESTAMP) {
            return {
              partition: p.partition,
              errorCode: ErrorCode.NONE,
              timestamp: -1,
              offset: log.highWatermark,
            };
          }
          if (p.timestamp === EARLIEST_TIMESTAMP) {
            return {
              partition: p.partition,
              errorCode: ErrorCode.NONE,
              timestamp: -1,
              offset: log.logStartOffset,
            };
          }
          const found = log.offsetForTimestamp(p.timestamp);
          return {
            partition: p.partition,
            errorCode: ErrorCode.NONE,
            timestamp: found?.timestamp ?? -1,
            offset: found?.offset ?? -1,
          };
        }),
      })),
    })),
    api(createTopicsCodec, (req) => ({
      topics: req.topics.map((t) => {
        const partitions = t.assignments.length > 0 ? t.assignments.length : t.numPartitions;
        const result = (errorCode: number, errorMessage: string | null = null) => ({
          name: t.name,
          errorCode,
          errorMessage,
        });
        if (t.replicationFactor > 1) {
          return result(
            ErrorCode.INVALID_REPLICATION_FACTOR,
            `Replication factor: ${t.replicationFactor} larger than available brokers: 1.`,
          );
        }
        const count = partitions === -1 ? settings.defaultPartitions : partitions;
        if (count < 1)
          return result(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
        if (store.topic(t.name))
          return result(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`);
        if (req.validateOnly) return result(ErrorCode.NONE);
        const configs = Object.fromEntries(
          t.configs.flatMap((c) => (c.value === null ? [] : [[c.name, c.value]])),
        );
        const code = store.createTopic(t.name, count, configs);
        return result(
          code,
          code === ErrorCode.INVALID_TOPIC_EXCEPTION ? `Topic name '${t.name}' is illegal.` : null,
        );
      }),
    })),
    api(deleteTopicsCodec, async (req) => {
      const topics = req.names.map((name) => ({ name, errorCode: store.deleteTopic(name) }));
      await Promise.all(
        topics.filter((t) => t.errorCode === ErrorCode.NONE).map((t) => parts.offsets.deleteTopic(t.name)),
      );
      return { topics };
    }),
    api(initProducerIdCodec, () => ({
      errorCode: ErrorCode.NONE,
      producerId: store.allocateProducerId(),
      producerEpoch: 0,
    })),
    api(findCoordinatorCodec, (_req, ctx) => ({
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      nodeId: NODE_ID,
      host: ctx.advertised.host,
      port: ctx.advertised.port,
    })),
    api(joinGroupCodec, (req, ctx) =>
      coordinator.join(req, { clientId: ctx.clientId, clientHost: ctx.clientHost, version: ctx.version }),
    ),
    api(syncGroupCodec, (req) => coordinator.sync(req)),
    api(heartbeatCodec, (req) => ({
      errorCode: coordinator.heartbeat(req.groupId, req.generationId, req.memberId),
    })),
    api(leaveGroupCodec, (req, ctx) => {
      const codes = coordinator.leave(req.groupId, req.memberIds);
      return {
        errorCode: ctx.version >= 3 ? ErrorCode.NONE : (codes[0] ?? ErrorCode.NONE),
        members: req.memberIds.map((memberId, i) => ({ memberId, errorCode: codes[i] ?? ErrorCode.NONE })),
      };
    }),
    api(offsetCommitCodec, async (req) => {
      const code = await coordinator.commit(req, topicExists);
      return {
        topics: req.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({
            partition: p.partition,
            errorCode:
              code !== ErrorCode.NONE || topicExists(t.name, p.partition)
                ? code
                : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          })),
        })),
      };
    }),
    api(offsetFetchCodec, (req) => coordinator.fetchOffsets(req)),
    api(describeGroupsCodec, (req) => ({ groups: req.groupIds.map((id) => coordinator.describe(id)) })),
    api(listGroupsCodec, () => ({ errorCode: ErrorCode.NONE, groups: coordinator.list() })),
  ];
  return new Map(apis.map((a) => [a.codec.apiKey, a]));
}
