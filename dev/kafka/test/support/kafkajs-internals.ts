// Typed access to kafkajs's own protocol encoders and decoders, used as the reference implementation that the
// broker's codecs must agree with byte for byte.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type KafkajsEncoder = { buffer: Buffer };
type KafkajsRequest = { apiKey: number; apiVersion: number; encode(): Promise<KafkajsEncoder> };
type RequestFactory = (args: Record<string, unknown>) => KafkajsRequest;
type ResponseModule = {
  decode(data: Buffer): Promise<Record<string, unknown>>;
  parse(data: unknown): Promise<unknown>;
};

/** The request body kafkajs sends for `api` at `version`. */
export async function kafkajsRequestBody(
  api: string,
  version: number,
  args: Record<string, unknown>,
): Promise<Buffer> {
  const factory = require(`kafkajs/src/protocol/requests/${api}/v${version}/request.js`) as RequestFactory;
  return (await factory(args).encode()).buffer;
}

/** What kafkajs makes of a response body for `api` at `version`. */
export function kafkajsResponse(api: string, version: number): ResponseModule {
  return require(`kafkajs/src/protocol/requests/${api}/v${version}/response.js`) as ResponseModule;
}

type RecordInput = {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, string>;
  timestamp?: number;
  offsetDelta?: number;
};

const { RecordBatch: RecordBatchV2 } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (args: Record<string, unknown>) => Promise<KafkajsEncoder>;
};
const RecordV2 = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (
  args: Record<string, unknown>,
) => KafkajsEncoder;
const Long = require('kafkajs/src/utils/long.js') as { fromNumber(n: number): unknown };

export type BatchOptions = {
  producerId?: number;
  producerEpoch?: number;
  firstSequence?: number;
  compression?: number;
  firstTimestamp?: number;
};

/** A RecordBatch v2 exactly as kafkajs's producer encodes it. */
export async function recordBatch(records: RecordInput[], options: BatchOptions = {}): Promise<Buffer> {
  const firstTimestamp = options.firstTimestamp ?? Date.now();
  const encoded = records.map((r, i) =>
    RecordV2({
      offsetDelta: r.offsetDelta ?? i,
      timestampDelta: (r.timestamp ?? firstTimestamp) - firstTimestamp,
      key: r.key ?? null,
      value: r.value,
      headers: r.headers ?? {},
    }),
  );
  const maxTimestamp = Math.max(firstTimestamp, ...records.map((r) => r.timestamp ?? firstTimestamp));
  const batch = await RecordBatchV2({
    compression: options.compression ?? 0,
    firstTimestamp,
    maxTimestamp,
    lastOffsetDelta: records.length - 1,
    producerId: Long.fromNumber(options.producerId ?? -1),
    producerEpoch: options.producerEpoch ?? 0,
    firstSequence: options.firstSequence ?? 0,
    records: encoded,
  });
  return batch.buffer;
}

const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (
  decoder: unknown,
) => Promise<{
  firstOffset: string;
  records: { offset: string; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer> }[];
}>;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => unknown;

/** Decodes one stored batch with kafkajs's consumer-side decoder. */
export async function decodeRecordBatch(buf: Buffer) {
  return decodeBatch(new Decoder(buf));
}
