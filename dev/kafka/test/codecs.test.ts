import { describe, expect, it } from '@jest/globals';
import { encodeApiVersionsBody } from '../src/codecs/api-versions.ts';
import {
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
} from '../src/codecs/index.ts';
import type { ApiCodec } from '../src/codecs/types.ts';
import { SUPPORTED_VERSIONS } from '../src/protocol/api-keys.ts';
import { crc32c } from '../src/protocol/crc32c.ts';
import { checkBatch } from '../src/protocol/record-batch.ts';
import { Reader } from '../src/protocol/reader.ts';
import { Writer } from '../src/protocol/writer.ts';
import { kafkajsRequestBody, kafkajsResponse, recordBatch } from './support/kafkajs-internals.ts';

function decodeAll<Req>(codec: ApiCodec<Req, unknown>, body: Buffer, version: number): Req {
  const r = new Reader(body);
  const req = codec.decode(r, version);
  expect(r.remaining()).toBe(0);
  return req;
}

function encode<Resp>(codec: ApiCodec<unknown, Resp>, version: number, resp: Resp): Buffer {
  const w = new Writer();
  codec.encode(w, version, resp);
  return w.toBuffer();
}

const hex = (b: Buffer) => b.toString('hex');

describe('primitives', () => {
  it('writes and reads every type (golden bytes)', () => {
    const w = new Writer(4);
    w.int8(-1)
      .int16(258)
      .int32(-2)
      .int64(2 ** 40 + 5)
      .string('hé')
      .nullableString(null)
      .nullableBytes(Buffer.from([9]));
    w.array([1, 2], (w, v) => w.int32(v))
      .nullableArray(null, () => undefined)
      .boolean(true);
    const bytes = w.toBuffer();
    expect(hex(bytes)).toBe(
      'ff' +
        '0102' +
        'fffffffe' +
        '0000010000000005' +
        '000368c3a9' +
        'ffff' +
        '0000000109' +
        '000000020000000100000002' +
        'ffffffff' +
        '01',
    );
    const r = new Reader(bytes);
    expect([r.int8(), r.int16(), r.int32(), r.int64(), r.string(), r.nullableString(), r.bytes()]).toEqual([
      -1,
      258,
      -2,
      2 ** 40 + 5,
      'hé',
      null,
      Buffer.from([9]),
    ]);
    expect(r.array((r) => r.int32())).toEqual([1, 2]);
    expect(r.nullableArray((r) => r.int32())).toBeNull();
    expect(r.boolean()).toBe(true);
    expect(() => r.int8()).toThrow('truncated');
  });

  it('keeps large payloads as separate chunks', () => {
    const big = Buffer.alloc(10_000, 1);
    const w = new Writer().int32(1).raw(big).int16(2);
    const chunks = w.toChunks();
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(big);
    expect(w.length).toBe(10_006);
  });

  it('computes CRC-32C (Castagnoli) check values', () => {
    expect(crc32c(Buffer.from('123456789')).toString(16)).toBe('e3069283');
    expect(crc32c(Buffer.alloc(32)).toString(16)).toBe('8a9136aa');
    // every alignment and length agrees with the bytewise definition
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff));
    const reference = (b: Buffer) => {
      let c = ~0;
      for (const byte of b) {
        c ^= byte;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return ~c >>> 0;
    };
    for (let start = 0; start < 8; start++) {
      for (const end of [start, start + 1, start + 15, start + 16, start + 17, 300]) {
        expect(crc32c(data, start, end)).toBe(reference(data.subarray(start, end)));
        expect(crc32c(data.subarray(start, end))).toBe(reference(data.subarray(start, end)));
      }
    }
  });

  it('accepts kafkajs record batches and rejects corrupted ones', async () => {
    const batch = await recordBatch([{ key: 'k', value: 'v', headers: { h: '1' } }]);
    expect(checkBatch(batch)).toBeNull();
    const flipped = Buffer.from(batch);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 1) ^ 1, flipped.length - 1);
    expect(checkBatch(flipped)).toBe('bad-crc');
    const oldMagic = Buffer.from(batch);
    oldMagic[16] = 1;
    expect(checkBatch(oldMagic)).toBe('bad-magic');
    expect(checkBatch(batch.subarray(0, 40))).toBe('truncated');
  });
});

describe('codecs agree with kafkajs 2.2.4', () => {
  it('ApiVersions v0 response (golden bytes) and v2 as kafkajs reads it', async () => {
    const w = new Writer();
    encodeApiVersionsBody(w, 0, { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 2 }] });
    expect(hex(w.toBuffer())).toBe('0023' + '00000001' + '0012' + '0000' + '0002');
    const v2 = new Writer();
    encodeApiVersionsBody(v2, 2, { errorCode: 0, apiKeys: SUPPORTED_VERSIONS });
    const decoded = await kafkajsResponse('apiVersions', 2).decode(v2.toBuffer());
    expect(decoded.apiVersions).toHaveLength(SUPPORTED_VERSIONS.length);
  });

  it('Heartbeat v3 request (golden bytes)', async () => {
    const body = await kafkajsRequestBody('heartbeat', 3, {
      groupId: 'g',
      groupGenerationId: 2,
      memberId: 'm',
    });
    expect(hex(body)).toBe('000167' + '00000002' + '00016d' + 'ffff');
    expect(decodeAll(heartbeatCodec, body, 3)).toEqual({ groupId: 'g', generationId: 2, memberId: 'm' });
    expect(hex(encode(heartbeatCodec, 3, { errorCode: 27 }))).toBe('00000000' + '001b');
  });

  it.each([1, 4, 6])('Metadata v%i', async (version) => {
    const body = await kafkajsRequestBody('metadata', version, {
      topics: ['a', 'b'],
      allowAutoTopicCreation: false,
    });
    expect(decodeAll(metadataCodec, body, version)).toEqual({
      topics: ['a', 'b'],
      allowAutoTopicCreation: version < 4,
    });
    const all = await kafkajsRequestBody('metadata', version, { topics: [] });
    expect(decodeAll(metadataCodec, all, version).topics).toBeNull();
    const resp = encode(metadataCodec, version, {
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }],
      clusterId: 'cid',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'a',
          isInternal: false,
          partitions: [{ errorCode: 0, partition: 0, leader: 1, replicas: [1] }],
        },
      ],
    });
    const decoded = await kafkajsResponse('metadata', version).decode(resp);
    expect(decoded).toMatchObject({
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }],
      controllerId: 1,
      topicMetadata: [
        { topic: 'a', partitionMetadata: [{ partitionId: 0, leader: 1, replicas: [1], isr: [1] }] },
      ],
    });
  });

  it.each([3, 5, 7])('Produce v%i', async (version) => {
    const body = await kafkajsRequestBody('produce', version, {
      acks: -1,
      timeout: 30000,
      topicData: [
        {
          topic: 't',
          partitions: [{ partition: 2, firstSequence: 0, messages: [{ key: 'k', value: 'v' }] }],
        },
      ],
    });
    const req = decodeAll(produceCodec, body, version);
    expect(req).toMatchObject({
      transactionalId: null,
      acks: -1,
      timeoutMs: 30000,
      topics: [{ name: 't', partitions: [{ partition: 2 }] }],
    });
    expect(checkBatch(req.topics[0]!.partitions[0]!.records!)).toBeNull();
    const resp = encode(produceCodec, version, {
      topics: [
        {
          name: 't',
          partitions: [{ partition: 2, errorCode: 0, baseOffset: 41, logAppendTime: -1, logStartOffset: 0 }],
        },
      ],
    });
    const decoded = await kafkajsResponse('produce', version).decode(resp);
    expect(decoded.topics).toEqual([
      {
        topicName: 't',
        partitions: [expect.objectContaining({ partition: 2, errorCode: 0, baseOffset: '41' })],
      },
    ]);
  });

  it.each([4, 5, 7, 11])('Fetch v%i', async (version) => {
    const body = await kafkajsRequestBody('fetch', version, {
      replicaId: -1,
      maxWaitTime: 500,
      minBytes: 1,
      maxBytes: 1000,
      topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: '7', maxBytes: 100 }] }],
    });
    expect(decodeAll(fetchCodec, body, version)).toEqual({
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 1000,
      isolationLevel: 1,
      topics: [{ name: 't', partitions: [{ partition: 0, fetchOffset: 7, partitionMaxBytes: 100 }] }],
    });
    const batch = await recordBatch([{ key: 'k', value: 'hello', headers: { h: 'x' } }]);
    batch.writeBigInt64BE(7n, 0);
    const resp = encode(fetchCodec, version, {
      errorCode: 0,
      topics: [
        {
          name: 't',
          partitions: [{ partition: 0, errorCode: 0, highWatermark: 8, logStartOffset: 0, records: [batch] }],
        },
      ],
    });
    const decoded = (await kafkajsResponse('fetch', version).decode(resp)) as {
      responses: {
        topicName: string;
        partitions: {
          highWatermark: string;
          messages: { offset: string; value: Buffer; headers: Record<string, Buffer> }[];
        }[];
      }[];
    };
    const partition = decoded.responses[0]!.partitions[0]!;
    expect(partition.highWatermark).toBe('8');
    expect(partition.messages.map((m) => [m.offset, m.value.toString(), m.headers.h!.toString()])).toEqual([
      ['7', 'hello', 'x'],
    ]);
  });

  it.each([1, 3])('ListOffsets v%i', async (version) => {
    const body = await kafkajsRequestBody('listOffsets', version, {
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ topic: 't', partitions: [{ partition: 0, timestamp: -2 }] }],
    });
    expect(decodeAll(listOffsetsCodec, body, version).topics).toEqual([
      { name: 't', partitions: [{ partition: 0, timestamp: -2 }] },
    ]);
    const resp = encode(listOffsetsCodec, version, {
      topics: [{ name: 't', partitions: [{ partition: 0, errorCode: 0, timestamp: -1, offset: 12 }] }],
    });
    const decoded = await kafkajsResponse('listOffsets', version).decode(resp);
    expect(decoded.responses).toEqual([
      { topic: 't', partitions: [expect.objectContaining({ partition: 0, offset: '12' })] },
    ]);
  });

  it.each([2, 5])('OffsetCommit v%i', async (version) => {
    const body = await kafkajsRequestBody('offsetCommit', version, {
      groupId: 'g',
      groupGenerationId: 3,
      memberId: 'm',
      retentionTime: -1,
      topics: [{ topic: 't', partitions: [{ partition: 1, offset: '-2' }] }],
    });
    expect(decodeAll(offsetCommitCodec, body, version)).toEqual({
      groupId: 'g',
      generationId: 3,
      memberId: 'm',
      topics: [{ name: 't', partitions: [{ partition: 1, offset: -2, metadata: null }] }],
    });
    const resp = encode(offsetCommitCodec, version, {
      topics: [{ name: 't', partitions: [{ partition: 1, errorCode: 0 }] }],
    });
    const decoded = await kafkajsResponse('offsetCommit', version).decode(resp);
    expect(decoded.responses).toEqual([{ topic: 't', partitions: [{ partition: 1, errorCode: 0 }] }]);
  });

  it.each([1, 4])('OffsetFetch v%i', async (version) => {
    const body = await kafkajsRequestBody('offsetFetch', version, {
      groupId: 'g',
      topics: [{ topic: 't', partitions: [{ partition: 0 }] }],
    });
    expect(decodeAll(offsetFetchCodec, body, version)).toEqual({
      groupId: 'g',
      topics: [{ name: 't', partitions: [0] }],
    });
    const resp = encode(offsetFetchCodec, version, {
      errorCode: 0,
      topics: [{ name: 't', partitions: [{ partition: 0, offset: 5, metadata: '', errorCode: 0 }] }],
    });
    const decoded = await kafkajsResponse('offsetFetch', version).decode(resp);
    expect(decoded.responses).toEqual([
      { topic: 't', partitions: [expect.objectContaining({ partition: 0, offset: '5' })] },
    ]);
    if (version >= 3) {
      const all = await kafkajsRequestBody('offsetFetch', version, { groupId: 'g', topics: [] });
      expect(decodeAll(offsetFetchCodec, all, version).topics).toBeNull();
    }
  });

  it.each([0, 2])('FindCoordinator v%i', async (version) => {
    const body = await kafkajsRequestBody('findCoordinator', version, {
      groupId: 'g',
      coordinatorKey: 'g',
      coordinatorType: 0,
    });
    expect(decodeAll(findCoordinatorCodec, body, version)).toEqual({ key: 'g', keyType: 0 });
    const resp = encode(findCoordinatorCodec, version, {
      errorCode: 0,
      errorMessage: null,
      nodeId: 1,
      host: 'h',
      port: 9,
    });
    const decoded = await kafkajsResponse('findCoordinator', version).decode(resp);
    expect(decoded.coordinator).toEqual({ nodeId: 1, host: 'h', port: 9 });
  });

  it.each([1, 5])('JoinGroup v%i', async (version) => {
    const body = await kafkajsRequestBody('joinGroup', version, {
      groupId: 'g',
      sessionTimeout: 3000,
      rebalanceTimeout: 6000,
      memberId: '',
      protocolType: 'consumer',
      groupProtocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from([1, 2]) }],
    });
    expect(decodeAll(joinGroupCodec, body, version)).toEqual({
      groupId: 'g',
      sessionTimeoutMs: 3000,
      rebalanceTimeoutMs: 6000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from([1, 2]) }],
    });
    const resp = encode(joinGroupCodec, version, {
      errorCode: 0,
      generationId: 4,
      protocolName: 'RoundRobinAssigner',
      leader: 'a',
      memberId: 'a',
      members: [{ memberId: 'a', groupInstanceId: null, metadata: Buffer.from([3]) }],
    });
    const decoded = await kafkajsResponse('joinGroup', version).decode(resp);
    expect(decoded).toMatchObject({
      generationId: 4,
      groupProtocol: 'RoundRobinAssigner',
      leaderId: 'a',
      memberId: 'a',
    });
    expect((decoded.members as { memberMetadata: Buffer }[])[0]!.memberMetadata).toEqual(Buffer.from([3]));
  });

  it('SyncGroup v3 with an empty assignment for a left-out member', async () => {
    const body = await kafkajsRequestBody('syncGroup', 3, {
      groupId: 'g',
      generationId: 1,
      memberId: 'a',
      groupAssignment: [{ memberId: 'a', memberAssignment: Buffer.from([7]) }],
    });
    expect(decodeAll(syncGroupCodec, body, 3)).toEqual({
      groupId: 'g',
      generationId: 1,
      memberId: 'a',
      groupInstanceId: null,
      assignments: [{ memberId: 'a', assignment: Buffer.from([7]) }],
    });
    const resp = encode(syncGroupCodec, 3, { errorCode: 0, assignment: Buffer.alloc(0) });
    expect(hex(resp)).toBe('00000000' + '0000' + '00000000');
    const decoded = await kafkajsResponse('syncGroup', 3).decode(resp);
    expect(decoded.memberAssignment).toEqual(Buffer.alloc(0));
  });

  it.each([0, 3])('LeaveGroup v%i', async (version) => {
    const body = await kafkajsRequestBody('leaveGroup', version, {
      groupId: 'g',
      memberId: 'm',
      members: [{ memberId: 'm' }],
    });
    expect(decodeAll(leaveGroupCodec, body, version)).toEqual({ groupId: 'g', memberIds: ['m'] });
    const resp = encode(leaveGroupCodec, version, {
      errorCode: 0,
      members: [{ memberId: 'm', errorCode: 0 }],
    });
    const decoded = await kafkajsResponse('leaveGroup', version).decode(resp);
    expect(decoded.errorCode).toBe(0);
  });

  it('DescribeGroups v2 and ListGroups v2', async () => {
    const body = await kafkajsRequestBody('describeGroups', 2, { groupIds: ['g'] });
    expect(decodeAll(describeGroupsCodec, body, 2)).toEqual({ groupIds: ['g'] });
    const resp = encode(describeGroupsCodec, 2, {
      groups: [
        {
          errorCode: 0,
          groupId: 'g',
          state: 'Stable',
          protocolType: 'consumer',
          protocol: 'RoundRobinAssigner',
          members: [
            {
              memberId: 'm',
              clientId: 'c',
              clientHost: '/h',
              metadata: Buffer.from([1]),
              assignment: Buffer.from([2]),
            },
          ],
        },
      ],
    });
    const decoded = await kafkajsResponse('describeGroups', 2).decode(resp);
    expect(decoded.groups).toEqual([
      expect.objectContaining({
        groupId: 'g',
        state: 'Stable',
        members: [
          {
            memberId: 'm',
            clientId: 'c',
            clientHost: '/h',
            memberMetadata: Buffer.from([1]),
            memberAssignment: Buffer.from([2]),
          },
        ],
      }),
    ]);
    const list = encode(listGroupsCodec, 2, {
      errorCode: 0,
      groups: [{ groupId: 'g', protocolType: 'consumer' }],
    });
    expect((await kafkajsResponse('listGroups', 2).decode(list)).groups).toEqual([
      { groupId: 'g', protocolType: 'consumer' },
    ]);
  });

  it.each([0, 1, 3])('CreateTopics v%i', async (version) => {
    const body = await kafkajsRequestBody('createTopics', version, {
      topics: [
        {
          topic: 't',
          numPartitions: 6,
          replicationFactor: 1,
          configEntries: [{ name: 'cleanup.policy', value: 'delete' }],
        },
      ],
      timeout: 5000,
      validateOnly: false,
    });
    expect(decodeAll(createTopicsCodec, body, version)).toEqual({
      topics: [
        {
          name: 't',
          numPartitions: 6,
          replicationFactor: 1,
          assignments: [],
          configs: [{ name: 'cleanup.policy', value: 'delete' }],
        },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    });
    const resp = encode(createTopicsCodec, version, {
      topics: [{ name: 't', errorCode: 36, errorMessage: 'exists' }],
    });
    const decoded = await kafkajsResponse('createTopics', version).decode(resp);
    expect(decoded.topicErrors).toEqual([expect.objectContaining({ topic: 't', errorCode: 36 })]);
  });

  it('DeleteTopics v1 and InitProducerId v1', async () => {
    const body = await kafkajsRequestBody('deleteTopics', 1, { topics: ['a'], timeout: 5000 });
    expect(decodeAll(deleteTopicsCodec, body, 1)).toEqual({ names: ['a'], timeoutMs: 5000 });
    const resp = encode(deleteTopicsCodec, 1, { topics: [{ name: 'a', errorCode: 0 }] });
    expect((await kafkajsResponse('deleteTopics', 1).decode(resp)).topicErrors).toEqual([
      { topic: 'a', errorCode: 0 },
    ]);
    const init = await kafkajsRequestBody('initProducerId', 1, {
      transactionalId: null,
      transactionTimeout: 30000,
    });
    expect(decodeAll(initProducerIdCodec, init, 1)).toEqual({
      transactionalId: null,
      transactionTimeoutMs: 30000,
    });
    const initResp = encode(initProducerIdCodec, 1, { errorCode: 0, producerId: 1000, producerEpoch: 0 });
    expect(hex(initResp)).toBe('00000000' + '0000' + '00000000000003e8' + '0000');
  });

  it('every codec writes an error response for every advertised version', () => {
    const codecs = [
      metadataCodec,
      produceCodec,
      fetchCodec,
      listOffsetsCodec,
      offsetCommitCodec,
      offsetFetchCodec,
      findCoordinatorCodec,
      joinGroupCodec,
      heartbeatCodec,
      leaveGroupCodec,
      syncGroupCodec,
      describeGroupsCodec,
      listGroupsCodec,
      createTopicsCodec,
      deleteTopicsCodec,
      initProducerIdCodec,
    ] as ApiCodec<unknown, unknown>[];
    for (const codec of codecs) {
      const range = SUPPORTED_VERSIONS.find((r) => r.apiKey === codec.apiKey)!;
      for (let v = range.minVersion; v <= range.maxVersion; v++) {
        const req = codec.decode(new Reader(Buffer.alloc(64)), v);
        expect(encode(codec, v, codec.errorResponse(req, 15)).length).toBeGreaterThan(0);
      }
    }
  });
});
