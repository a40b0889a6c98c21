// Exact requests the clients may send: unsupported APIs and versions, acks=0, corrupt batches, retried
// idempotent batches and long-polling fetches.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DevKafka } from '../src/index.ts';
import { startDevKafka } from '../src/index.ts';
import { ApiKey } from '../src/protocol/api-keys.ts';
import { ErrorCode } from '../src/protocol/error-codes.ts';
import { Reader } from '../src/protocol/reader.ts';
import { Writer } from '../src/protocol/writer.ts';
import { kafkajsRequestBody, kafkajsResponse, recordBatch } from './support/kafkajs-internals.ts';
import { RawClient } from './support/raw-client.ts';

let broker: DevKafka;
let client: RawClient;

beforeAll(async () => {
  broker = await startDevKafka({ defaultPartitions: 1 });
  client = await RawClient.connect(broker.brokers[0]!);
});

afterAll(async () => {
  client.close();
  await broker.stop();
});

function produceBody(topic: string, records: Buffer, acks = -1): Buffer {
  return new Writer()
    .nullableString(null)
    .int16(acks)
    .int32(1000)
    .array([topic], (w, t) => {
      w.string(t).array([records], (w, r) => w.int32(0).nullableBytes(r));
    })
    .toBuffer();
}

function produceResult(body: Buffer) {
  return new Reader(body).array((r) => ({
    name: r.string(),
    partitions: r.array((r) => ({
      partition: r.int32(),
      errorCode: r.int16(),
      baseOffset: r.int64(),
      logAppendTime: r.int64(),
      logStartOffset: r.int64(),
    })),
  }))[0]!.partitions[0]!;
}

/** A Fetch v11 request body for partition 0 of `topic`. */
function fetchBody(topic: string, offset: number, maxWaitMs: number, minBytes = 1): Buffer {
  const w = new Writer();
  w.int32(-1)
    .int32(maxWaitMs)
    .int32(minBytes)
    .int32(1 << 20)
    .int8(0)
    .int32(0)
    .int32(-1);
  w.array([topic], (w, t) =>
    w.string(t).array([0], (w) =>
      w
        .int32(0)
        .int32(-1)
        .int64(offset)
        .int64(-1)
        .int32(1 << 20),
    ),
  );
  w.array([], () => undefined).string('');
  return w.toBuffer();
}

describe('unsupported requests', () => {
  it('answers an unknown API key with UNSUPPORTED_VERSION and keeps the connection', async () => {
    const body = await client.request(999, 0, Buffer.alloc(0)).response;
    expect(body.readInt16BE(0)).toBe(ErrorCode.UNSUPPORTED_VERSION);
    const again = await client.request(ApiKey.Fetch, 12, Buffer.alloc(0)).response;
    expect(again.readInt16BE(0)).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(client.closed).toBe(false);
  });

  it('answers a newer ApiVersions with the v0 layout listing what it supports', async () => {
    const body = await client.request(ApiKey.ApiVersions, 3, Buffer.from([0, 0])).response;
    const decoded = await kafkajsResponse('apiVersions', 0)
      .decode(body)
      .catch((e: Error) => e);
    // kafkajs reports the error code so it can fall back to an older version
    expect(String(decoded)).toMatch(/version/i);
    const r = new Reader(body);
    expect(r.int16()).toBe(ErrorCode.UNSUPPORTED_VERSION);
    const keys = r.array((r) => ({ key: r.int16(), min: r.int16(), max: r.int16() }));
    expect(keys).toContainEqual({ key: ApiKey.ApiVersions, min: 0, max: 2 });
  });
});

describe('produce', () => {
  it('sends no response for acks=0 but still appends, answering later requests in order', async () => {
    const topic = 'acks-zero';
    const noReply = client.request(
      ApiKey.Produce,
      7,
      produceBody(topic, await recordBatch([{ value: 'a' }]), 0),
    );
    const next = client.request(
      ApiKey.Produce,
      7,
      produceBody(topic, await recordBatch([{ value: 'b' }]), 1),
    );
    const result = produceResult(await next.response);
    expect(result).toMatchObject({ errorCode: 0, baseOffset: 1 });
    const settled = await Promise.race([
      noReply.response.then(() => 'answered'),
      new Promise((r) => setTimeout(() => r('silent'), 100)),
    ]);
    expect(settled).toBe('silent');
  });

  it('rejects a batch whose CRC does not match with CORRUPT_MESSAGE', async () => {
    const batch = await recordBatch([{ value: 'intact' }]);
    batch.writeUInt8(batch.readUInt8(batch.length - 1) ^ 0xff, batch.length - 1);
    const result = produceResult(
      await client.request(ApiKey.Produce, 7, produceBody('corrupt', batch)).response,
    );
    expect(result.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
  });

  it('acknowledges a retried idempotent batch with its original offset, appending it once', async () => {
    const init = new Reader(
      await client.request(ApiKey.InitProducerId, 1, new Writer().nullableString(null).int32(1000).toBuffer())
        .response,
    );
    init.int32();
    expect(init.int16()).toBe(0);
    const producerId = init.int64();
    const topic = 'idempotent';
    const first = await recordBatch([{ value: 'x' }, { value: 'y' }], { producerId, firstSequence: 0 });
    const sent = () => client.request(ApiKey.Produce, 7, produceBody(topic, Buffer.from(first))).response;
    expect(produceResult(await sent())).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(produceResult(await sent())).toMatchObject({ errorCode: 0, baseOffset: 0 });
    const next = await recordBatch([{ value: 'z' }], { producerId, firstSequence: 2 });
    expect(
      produceResult(await client.request(ApiKey.Produce, 7, produceBody(topic, next)).response),
    ).toMatchObject({ baseOffset: 2 });
  });
});

describe('fetch', () => {
  async function fetchMessages(body: Buffer) {
    const decoded = (await kafkajsResponse('fetch', 11).decode(body)) as {
      responses: {
        partitions: { errorCode: number; highWatermark: string; messages: { value: Buffer }[] }[];
      }[];
    };
    return decoded.responses[0]!.partitions[0]!;
  }

  it('long-polls until data arrives', async () => {
    const topic = 'long-poll';
    await client.request(ApiKey.Produce, 7, produceBody(topic, await recordBatch([{ value: 'old' }])))
      .response;
    const fetcher = await RawClient.connect(broker.brokers[0]!);
    try {
      const parked = fetcher.request(ApiKey.Fetch, 11, fetchBody(topic, 1, 10_000)).response;
      await new Promise((r) => setTimeout(r, 100));
      await client.request(ApiKey.Produce, 7, produceBody(topic, await recordBatch([{ value: 'new' }])))
        .response;
      const partition = await fetchMessages(await parked);
      expect(partition.messages.map((m) => m.value.toString())).toEqual(['new']);
    } finally {
      fetcher.close();
    }
  });

  it('answers an empty fetch after max wait, and OFFSET_OUT_OF_RANGE past the end', async () => {
    const topic = 'empty-wait';
    await client.request(ApiKey.Produce, 7, produceBody(topic, await recordBatch([{ value: 'only' }])))
      .response;
    const empty = await fetchMessages(
      await client.request(ApiKey.Fetch, 11, fetchBody(topic, 1, 50)).response,
    );
    expect(empty).toMatchObject({ errorCode: 0, highWatermark: '1', messages: [] });
    const body = await client.request(ApiKey.Fetch, 11, fetchBody(topic, 5, 50)).response;
    await expect(
      kafkajsResponse('fetch', 11)
        .decode(body)
        .then((d) => kafkajsResponse('fetch', 11).parse(d)),
    ).rejects.toThrow(/offset/i);
  });

  it('reads with the kafkajs request encoder', async () => {
    const body = await kafkajsRequestBody('fetch', 11, {
      replicaId: -1,
      maxWaitTime: 10,
      minBytes: 1,
      maxBytes: 1000,
      topics: [{ topic: 'empty-wait', partitions: [{ partition: 0, fetchOffset: '0', maxBytes: 1000 }] }],
    });
    const partition = await fetchMessages(await client.request(ApiKey.Fetch, 11, body).response);
    expect(partition.messages.map((m) => m.value.toString())).toEqual(['only']);
  });
});
