// The schema registry against @kafkajs/confluent-schema-registry and plain HTTP, Confluent's shapes and codes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import axios from 'axios';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DevKafka } from '../src/index.ts';
import { startDevKafka } from '../src/index.ts';
import { uniqueName } from './support/kafka-clients.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'dev-kafka-registry-'));
let broker: DevKafka;

beforeAll(async () => {
  broker = await startDevKafka({ dataDir });
});

afterAll(async () => {
  await broker.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function record(fields: object[], name = 'Facility'): string {
  return JSON.stringify({ type: 'record', name, namespace: 'org.campaign', fields });
}

const V1 = record([{ name: 'id', type: 'string' }]);
const V2_WITH_DEFAULT = record([
  { name: 'id', type: 'string' },
  { name: 'name', type: 'string', default: '' },
]);
const V2_WITHOUT_DEFAULT = record([
  { name: 'id', type: 'string' },
  { name: 'name', type: 'string' },
]);

const http = () => axios.create({ baseURL: broker.registryUrl, validateStatus: () => true });

async function register(subject: string, schema: string) {
  return http().post(`/subjects/${subject}/versions`, { schema });
}

describe('with @kafkajs/confluent-schema-registry', () => {
  it('registers under <topic>-value, encodes and decodes', async () => {
    const registry = new SchemaRegistry({ host: broker.registryUrl });
    const subject = `${uniqueName('facilities')}-value`;
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: V1 }, { subject });
    const again = await registry.register({ type: SchemaType.AVRO, schema: V1 }, { subject });
    expect(again.id).toBe(id);
    const encoded = await registry.encode(id, { id: 'F-1' });
    expect(encoded[0]).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);
    // a fresh client has no cache: it fetches the schema by id
    expect(await new SchemaRegistry({ host: broker.registryUrl }).decode(encoded)).toEqual({ id: 'F-1' });
    expect(await registry.getLatestSchemaId(subject)).toBe(id);
    expect(await registry.getRegistryId(subject, 1)).toBe(id);
  });

  it('refuses an incompatible change under BACKWARD with 409', async () => {
    const registry = new SchemaRegistry({ host: broker.registryUrl });
    const subject = `${uniqueName('strict')}-value`;
    await registry.register({ type: SchemaType.AVRO, schema: V1 }, { subject });
    await expect(
      registry.register({ type: SchemaType.AVRO, schema: V2_WITHOUT_DEFAULT }, { subject }),
    ).rejects.toMatchObject({
      status: 409,
    });
    const ok = await registry.register({ type: SchemaType.AVRO, schema: V2_WITH_DEFAULT }, { subject });
    expect(await registry.getLatestSchemaId(subject)).toBe(ok.id);
  });
});

describe('REST API', () => {
  it('serves subjects, versions, schemas by id and lookups', async () => {
    const subject = uniqueName('rest');
    const first = await register(subject, V1);
    expect(first.status).toBe(200);
    const second = await register(subject, V2_WITH_DEFAULT);
    expect(second.data.id).not.toBe(first.data.id);
    // the same schema text with other whitespace is the same schema
    expect((await register(subject, JSON.stringify(JSON.parse(V1), null, 2))).data).toEqual(first.data);

    expect((await http().get('/subjects')).data).toContain(subject);
    expect((await http().get(`/subjects/${subject}/versions`)).data).toEqual([1, 2]);
    expect((await http().get(`/subjects/${subject}/versions/latest`)).data).toEqual({
      subject,
      version: 2,
      id: second.data.id,
      schema: JSON.stringify(JSON.parse(V2_WITH_DEFAULT)),
    });
    expect((await http().get(`/subjects/${subject}/versions/1`)).data.id).toBe(first.data.id);
    expect(JSON.parse((await http().get(`/schemas/ids/${first.data.id}`)).data.schema)).toEqual(
      JSON.parse(V1),
    );
    expect((await http().post(`/subjects/${subject}`, { schema: V2_WITH_DEFAULT })).data).toMatchObject({
      version: 2,
      id: second.data.id,
    });
  });

  it("answers Confluent's error codes", async () => {
    const subject = uniqueName('errors');
    await register(subject, V1);
    const cases: [Promise<{ status: number; data: unknown }>, number, number][] = [
      [http().get('/subjects/nope/versions'), 404, 40401],
      [http().get(`/subjects/${subject}/versions/9`), 404, 40402],
      [http().get('/schemas/ids/99999'), 404, 40403],
      [http().post(`/subjects/${subject}`, { schema: V2_WITH_DEFAULT }), 404, 40403],
      [register(subject, '{"type":"record","name":"x","fields":[{"name":"a","type":"nope"}]}'), 422, 42201],
      [register(subject, 'not json'), 422, 42201],
      [http().put('/config', { compatibility: 'SIDEWAYS' }), 422, 42203],
      [register(subject, V2_WITHOUT_DEFAULT), 409, 409],
    ];
    for (const [response, status, code] of cases) {
      const r = await response;
      expect([r.status, (r.data as { error_code: number }).error_code]).toEqual([status, code]);
      expect(typeof (r.data as { message: string }).message).toBe('string');
    }
  });

  it('applies BACKWARD, FORWARD, FULL, NONE and transitive levels', async () => {
    const base = record([
      { name: 'id', type: 'string' },
      { name: 'old', type: 'string' },
    ]);
    const dropOld = record([{ name: 'id', type: 'string' }]);
    const addRequired = record([
      { name: 'id', type: 'string' },
      { name: 'extra', type: 'int' },
    ]);
    const addOptional = record([
      { name: 'id', type: 'string' },
      { name: 'extra', type: 'int', default: 0 },
    ]);

    const expectRegistration = async (level: string, first: string, next: string, status: number) => {
      const subject = uniqueName(level.toLowerCase());
      await http().put(`/config/${subject}`, { compatibility: level });
      expect((await register(subject, first)).status).toBe(200);
      expect((await register(subject, next)).status).toBe(status);
    };
    // removing a field: readers of the new schema can read old data, old readers lack a default
    await expectRegistration('BACKWARD', base, dropOld, 200);
    await expectRegistration('FORWARD', base, dropOld, 409);
    // adding a required field: old readers ignore it, new readers cannot read old data
    await expectRegistration('FORWARD', dropOld, addRequired, 200);
    await expectRegistration('BACKWARD', dropOld, addRequired, 409);
    await expectRegistration('FULL', dropOld, addRequired, 409);
    await expectRegistration('FULL', dropOld, addOptional, 200);
    await expectRegistration('NONE', base, record([{ name: 'id', type: 'int' }]), 200);

    // transitive: v3 is compatible with v2 but not with v1
    const v1 = record([
      { name: 'id', type: 'string' },
      { name: 'a', type: 'string' },
    ]);
    const v2 = record([
      { name: 'id', type: 'string' },
      { name: 'a', type: 'string', default: '' },
    ]);
    const v3 = record([{ name: 'id', type: 'string' }]);
    for (const [level, status] of [
      ['FORWARD', 200],
      ['FORWARD_TRANSITIVE', 409],
    ] as const) {
      const subject = uniqueName(level.toLowerCase());
      await http().put(`/config/${subject}`, { compatibility: level });
      await register(subject, v1);
      await register(subject, v2);
      expect((await register(subject, v3)).status).toBe(status);
    }
  });

  it('tests compatibility without registering and manages config', async () => {
    const subject = uniqueName('compat');
    await register(subject, V1);
    const test = (version: string, schema: string) =>
      http().post(`/compatibility/subjects/${subject}/versions/${version}`, { schema });
    expect((await test('latest', V2_WITH_DEFAULT)).data).toEqual({ is_compatible: true });
    expect((await test('1', V2_WITHOUT_DEFAULT)).data).toEqual({ is_compatible: false });
    expect((await http().get(`/subjects/${subject}/versions`)).data).toEqual([1]);

    expect((await http().get('/config')).data).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect((await http().get(`/config/${subject}`)).status).toBe(404);
    expect((await http().get(`/config/${subject}?defaultToGlobal=true`)).data).toEqual({
      compatibilityLevel: 'BACKWARD',
    });
    expect((await http().put(`/config/${subject}`, { compatibility: 'none' })).data).toEqual({
      compatibility: 'NONE',
    });
    expect((await http().get(`/config/${subject}`)).data).toEqual({ compatibilityLevel: 'NONE' });
    expect((await test('latest', V2_WITHOUT_DEFAULT)).data).toEqual({ is_compatible: true });
  });

  it('deletes subjects softly, then permanently', async () => {
    const subject = uniqueName('gone');
    await register(subject, V1);
    expect((await http().delete(`/subjects/${subject}?permanent=true`)).data.error_code).toBe(40405);
    expect((await http().delete(`/subjects/${subject}`)).data).toEqual([1]);
    expect((await http().get('/subjects')).data).not.toContain(subject);
    expect((await http().delete(`/subjects/${subject}?permanent=true`)).data).toEqual([1]);
    expect((await http().get(`/subjects/${subject}/versions`)).data.error_code).toBe(40401);
  });
});

it('keeps ids, versions and config across a restart', async () => {
  const subject = uniqueName('restart');
  const first = (await register(subject, V1)).data.id as number;
  const second = (await register(subject, V2_WITH_DEFAULT)).data.id as number;
  await http().put(`/config/${subject}`, { compatibility: 'FULL' });
  await broker.stop();
  broker = await startDevKafka({ dataDir });
  expect((await http().get(`/subjects/${subject}/versions`)).data).toEqual([1, 2]);
  expect((await register(subject, V1)).data.id).toBe(first);
  expect((await http().get(`/subjects/${subject}/versions/latest`)).data.id).toBe(second);
  expect((await http().get(`/config/${subject}`)).data).toEqual({ compatibilityLevel: 'FULL' });
  const third = (await register(uniqueName('after-restart'), record([{ name: 'z', type: 'long' }]))).data
    .id as number;
  expect(third).toBeGreaterThan(second);
});
