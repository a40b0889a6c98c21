// Bulk creates of project staff, project facilities, project resources and facilities: 202 with a bare
// ResponseInfo, items searchable only once processed, the request size cap, invalid items dropped while
// the valid ones are saved, faults after the write, items dropped by the drop-items fault, and the per-item
// latency.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { AxiosInstance } from 'axios';
import {
  BULK_REQUEST_MAX_BYTES,
  callLatencyMs,
  itemCount,
  startDigitSimulator,
  type DigitSimulator,
} from '../src/index.ts';
import {
  TENANT,
  digitClient,
  employeePayload,
  envelope,
  errorCodes,
  expectErrorEnvelope,
  facilityPayload,
  postOutcome,
  projectPayload,
  requestInfo,
} from './helpers.ts';

let sim: DigitSimulator;
let http: AxiosInstance;
let locality: string;

const STAFF_BULK = '/health-project/staff/v1/bulk/_create';
const PROJECT_FACILITY_BULK = '/health-project/facility/v1/bulk/_create';
const RESOURCE_BULK = '/health-project/resource/v1/bulk/_create';
const FACILITY_BULK = '/facility/v1/bulk/_create';
const PAGING = `tenantId=${TENANT}&limit=1000&offset=0`;
const OTHER_TENANT = 'pb';
const UNKNOWN_ID = '00000000-0000-4000-8000-00000000dead';

beforeAll(async () => {
  sim = await startDigitSimulator({ seed: { size: 'S' } });
  http = digitClient(sim.url);
  locality = sim.hierarchy.codesByType.get('LOCALITY')?.[0] ?? '';
});
afterAll(async () => sim.stop());
beforeEach(() => sim.reset());

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function createProjects(count: number): Promise<string[]> {
  const codes = sim.hierarchy.codesByType.get('LOCALITY') ?? [];
  const res = await http.post(
    '/health-project/v1/_create',
    envelope({ Projects: codes.slice(0, count).map((code) => projectPayload(code, 'LOCALITY')) }),
  );
  expect(res.status).toBe(200);
  return (res.data.Project as Array<{ id: string }>).map((p) => p.id);
}

async function createUsers(phones: string[]): Promise<string[]> {
  const res = await http.post(
    '/health-hrms/employees/_create',
    envelope({ Employees: phones.map((phone) => employeePayload(phone, locality, 'LOCALITY')) }),
  );
  expect(res.status).toBe(200);
  return (res.data.Employees as Array<{ user: { uuid: string } }>).map((e) => e.user.uuid);
}

function facility(name: string, extra: Record<string, unknown> = {}) {
  return facilityPayload(name, locality, extra);
}

async function createFacilities(names: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names) {
    const res = await http.post('/facility/v1/_create', envelope({ Facility: facility(name) }));
    ids.push(res.data.Facility.id as string);
  }
  return ids;
}

const staff = (projectId: string, userId: string, tenantId = TENANT) => ({
  tenantId,
  projectId,
  userId,
  startDate: Date.UTC(2026, 11, 1),
  endDate: Date.UTC(2026, 11, 31),
});
const projectFacility = (projectId: string, facilityId: string) => ({
  tenantId: TENANT,
  projectId,
  facilityId,
});
const projectResource = (projectId: string, productVariantId: string) => ({
  tenantId: TENANT,
  projectId,
  resource: { productVariantId, type: 'DRUG', isBaseUnitVariant: false },
  startDate: Date.UTC(2026, 11, 1),
  endDate: Date.UTC(2026, 11, 31),
});

async function staffOf(projectIds: string[]): Promise<Array<{ projectId: string; userId: string }>> {
  const res = await http.post(
    `/health-project/staff/v1/_search?${PAGING}`,
    envelope({ ProjectStaff: { projectId: projectIds } }),
  );
  return res.data.ProjectStaff;
}

async function facilitiesNamed(name: string): Promise<Array<{ id: string; name: string }>> {
  const res = await http.post(`/facility/v1/_search?${PAGING}`, envelope({ Facility: { name } }));
  return res.data.Facilities;
}

/** The bare ResponseInfo the health services' bulk endpoints answer with. */
function expectAccepted(res: { status: number; data: unknown }, path: string): void {
  expect(res.status).toBe(202);
  const info = requestInfo();
  expect(res.data).toEqual({
    apiId: path,
    ver: info.ver,
    ts: expect.any(Number),
    resMsgId: info.msgId,
    msgId: info.msgId,
    status: 'successful',
  });
}

describe('bulk create answers and asynchronous persistence', () => {
  it('project staff: 202 at once, searchable only after the visibility delay', async () => {
    const projects = await createProjects(2);
    const users = await createUsers(['7300000001', '7300000002']);
    await sim.client.setBehaviour({ project: { visibilityDelayMs: 400 } });
    const batch = projects.flatMap((projectId) => users.map((userId) => staff(projectId, userId)));
    const res = await http.post(STAFF_BULK, envelope({ ProjectStaff: batch }));
    expectAccepted(res, STAFF_BULK);
    expect(await staffOf(projects)).toEqual([]);
    expect(await sim.client.counts()).toMatchObject({ projectStaff: 0, queued: 4 });
    await pause(600);
    expect(await sim.client.counts()).toMatchObject({ projectStaff: 4, queued: 0 });
    const created = await staffOf(projects);
    expect(created.map((s) => `${s.projectId}|${s.userId}`).sort()).toEqual(
      batch.map((s) => `${s.projectId}|${s.userId}`).sort(),
    );
    const calls = await sim.client.calls();
    expect(calls.project.byRoute[`POST ${STAFF_BULK}`]).toBe(1);
  });

  it('project facilities and resources: 202, then searchable', async () => {
    const [projectId = ''] = await createProjects(1);
    const facilities = await createFacilities(['Depot A', 'Depot B']);
    const variants = sim.productVariants.slice(0, 2).map((v) => v.id);
    await sim.client.setBehaviour({ project: { visibilityDelayMs: 300 } });
    const pf = await http.post(
      PROJECT_FACILITY_BULK,
      envelope({ ProjectFacilities: facilities.map((id) => projectFacility(projectId, id)) }),
    );
    expectAccepted(pf, PROJECT_FACILITY_BULK);
    const pr = await http.post(
      RESOURCE_BULK,
      envelope({ ProjectResources: variants.map((id) => projectResource(projectId, id)) }),
    );
    expectAccepted(pr, RESOURCE_BULK);
    const search = async () => ({
      facilities: (
        await http.post(
          `/health-project/facility/v1/_search?${PAGING}`,
          envelope({ ProjectFacility: { projectId: [projectId] } }),
        )
      ).data.ProjectFacilities as Array<{ facilityId: string }>,
      resources: (
        await http.post(
          `/health-project/resource/v1/_search?${PAGING}`,
          envelope({ ProjectResource: { projectId: [projectId] } }),
        )
      ).data.ProjectResources as Array<{ resource: { productVariantId: string } }>,
    });
    expect(await search()).toEqual({ facilities: [], resources: [] });
    await pause(500);
    const found = await search();
    expect(found.facilities.map((f) => f.facilityId).sort()).toEqual([...facilities].sort());
    expect(found.resources.map((r) => r.resource.productVariantId).sort()).toEqual([...variants].sort());
  });

  it('facilities: 202, then searchable with generated ids', async () => {
    await sim.client.setBehaviour({ facility: { visibilityDelayMs: 300 } });
    const res = await http.post(
      FACILITY_BULK,
      envelope({ Facilities: [facility('Bulk store 1'), facility('Bulk store 2')] }),
    );
    expectAccepted(res, FACILITY_BULK);
    expect(await facilitiesNamed('Bulk store 1')).toEqual([]);
    await pause(500);
    const [found] = await facilitiesNamed('Bulk store 1');
    expect(found?.id).toMatch(/^F-\d{4}-\d{2}-\d{2}-\d+$/);
    expect(await facilitiesNamed('Bulk store 2')).toHaveLength(1);
  });
});

describe('bulk create refusals', () => {
  it('refuses an empty list, a missing list and a missing required field as a whole', async () => {
    const empty = await http.post(STAFF_BULK, envelope({ ProjectStaff: [] }));
    expect(empty.status).toBe(400);
    expect(errorCodes(empty.data)).toEqual(['Size.ProjectStaff']);
    const missing = await http.post(FACILITY_BULK, envelope({}));
    expect(missing.status).toBe(400);
    expect(errorCodes(missing.data)).toEqual(['NotNull.Facilities']);
    const [projectId = ''] = await createProjects(1);
    const noUser = await http.post(
      STAFF_BULK,
      envelope({ ProjectStaff: [staff(projectId, UNKNOWN_ID), { tenantId: TENANT, projectId }] }),
    );
    expect(noUser.status).toBe(400);
    expect(errorCodes(noUser.data)).toEqual(['NotNull.ProjectStaff.userId']);
    expect((await sim.client.counts()).projectStaff).toBe(0);
  });

  it('refuses a request over the Kafka message size with EVENT_BUS_FAILURE and creates nothing', async () => {
    await sim.client.setBehaviour({ '*': { latency: { perItemMs: 0 } } });
    const [projectId = ''] = await createProjects(1);
    const [userId = ''] = await createUsers(['7300000010']);
    const item = staff(projectId, userId);
    const count = Math.ceil(BULK_REQUEST_MAX_BYTES / JSON.stringify(item).length) + 1;
    const res = await http.post(
      STAFF_BULK,
      envelope({ ProjectStaff: Array.from({ length: count }, () => item) }),
    );
    expect(res.status).toBe(400);
    expect(expectErrorEnvelope(res.data)).toEqual([
      {
        code: 'EVENT_BUS_FAILURE',
        message: 'Failed to push event onto the event bus',
        description: null,
        params: null,
      },
    ]);
    const fits = await http.post(STAFF_BULK, envelope({ ProjectStaff: [item] }));
    expect(fits.status).toBe(202);
    expect(await staffOf([projectId])).toHaveLength(1);
  });

  it('refuses a project create over the Kafka message size as a whole', async () => {
    const project = projectPayload(locality, 'LOCALITY', { description: 'd'.repeat(2000) });
    const count = Math.ceil(BULK_REQUEST_MAX_BYTES / JSON.stringify(project).length) + 1;
    const res = await http.post(
      '/health-project/v1/_create',
      envelope({ Projects: Array.from({ length: count }, () => project) }),
    );
    expect(res.status).toBe(400);
    expect(errorCodes(res.data)).toEqual(['EVENT_BUS_FAILURE']);
    expect((await sim.client.counts()).projects).toBe(0);
  });
});

describe('partial failure of a batch', () => {
  it('project staff: saves the valid items and drops the invalid ones, reporting nothing to the caller', async () => {
    const [p1 = '', p2 = ''] = await createProjects(2);
    const [u1 = '', u2 = '', u3 = ''] = await createUsers(['7300000021', '7300000022', '7300000023']);
    expect((await http.post(STAFF_BULK, envelope({ ProjectStaff: [staff(p1, u3)] }))).status).toBe(202);
    const batch = [
      staff(p1, u1),
      staff(UNKNOWN_ID, u1),
      staff(p2, UNKNOWN_ID),
      staff(p1, u3),
      staff(p2, u1, OTHER_TENANT),
      staff(p2, u2),
      staff(p2, u2),
    ];
    const res = await http.post(STAFF_BULK, envelope({ ProjectStaff: batch }));
    expectAccepted(res, STAFF_BULK);
    const created = await staffOf([p1, p2]);
    expect(created.map((s) => `${s.projectId}|${s.userId}`).sort()).toEqual(
      [`${p1}|${u3}`, `${p1}|${u1}`, `${p2}|${u2}`].sort(),
    );
    const missing = (id: string) => [
      'NON_EXISTENT_RELATED_ENTITY',
      `Related entity does not exist in db ${id}`,
    ];
    const duplicate = (projectId: string, userId: string) => [
      'DUPLICATE_ENTITY',
      `Duplicate entity ${projectId}, ${userId}`,
    ];
    const dropped = await sim.client.droppedItems();
    expect(dropped.map(({ path, code, message, item }) => [path, code, message, item])).toEqual([
      [STAFF_BULK, ...missing(UNKNOWN_ID), batch[1]],
      [STAFF_BULK, ...missing(UNKNOWN_ID), batch[2]],
      [STAFF_BULK, ...duplicate(p1, u3), batch[3]],
      [STAFF_BULK, ...missing(p2), batch[4]],
      [STAFF_BULK, ...duplicate(p2, u2), batch[6]],
    ]);
    expect((await sim.client.duplicates()).total).toBe(0);
  });

  it('a pair sent three times in one batch is saved twice, as the service rejects only its last copy', async () => {
    const [projectId = ''] = await createProjects(1);
    const [userId = ''] = await createUsers(['7300000031']);
    const item = staff(projectId, userId);
    await http.post(STAFF_BULK, envelope({ ProjectStaff: [item, item, item] }));
    expect(await staffOf([projectId])).toHaveLength(2);
    expect((await sim.client.droppedItems()).map((d) => d.code)).toEqual(['DUPLICATE_ENTITY']);
    const duplicates = await sim.client.duplicates();
    expect(duplicates.projectStaff).toEqual([{ projectId, userId, ids: expect.any(Array) }]);
  });

  it('project facilities and resources: unknown facility, unknown variant and existing pair are dropped', async () => {
    const [projectId = ''] = await createProjects(1);
    const [f1 = '', f2 = ''] = await createFacilities(['Store 1', 'Store 2']);
    const [v1 = '', v2 = ''] = sim.productVariants.slice(0, 2).map((v) => v.id);
    await http.post(PROJECT_FACILITY_BULK, envelope({ ProjectFacilities: [projectFacility(projectId, f1)] }));
    await http.post(
      PROJECT_FACILITY_BULK,
      envelope({
        ProjectFacilities: [
          projectFacility(projectId, f1),
          projectFacility(projectId, UNKNOWN_ID),
          projectFacility(projectId, f2),
        ],
      }),
    );
    await http.post(
      RESOURCE_BULK,
      envelope({
        ProjectResources: [
          projectResource(projectId, v1),
          projectResource(projectId, 'PVAR-UNKNOWN'),
          projectResource(projectId, v2),
        ],
      }),
    );
    expect((await sim.client.projectFacilities({ projectId })).items.map((m) => m.facilityId).sort()).toEqual(
      [f1, f2].sort(),
    );
    expect(
      (await sim.client.projectResources({ projectId })).items
        .map((m) => (m.resource as { productVariantId: string }).productVariantId)
        .sort(),
    ).toEqual([v1, v2].sort());
    expect(
      (await sim.client.droppedItems()).map(({ path, code, message }) => ({ path, code, message })),
    ).toEqual([
      {
        path: PROJECT_FACILITY_BULK,
        code: 'DUPLICATE_ENTITY',
        message: `Duplicate entity ${projectId}, ${f1}`,
      },
      {
        path: PROJECT_FACILITY_BULK,
        code: 'NON_EXISTENT_RELATED_ENTITY',
        message: `Related entity does not exist in db ${UNKNOWN_ID}`,
      },
      {
        path: RESOURCE_BULK,
        code: 'NON_EXISTENT_RELATED_ENTITY',
        message: 'Related entity does not exist in db PVAR-UNKNOWN',
      },
    ]);
  });

  it('facilities: an unknown boundary or a boundary of another tenant drops the facility', async () => {
    const batch = [
      facility('Kept 1'),
      facility('Unknown boundary', { address: { tenantId: TENANT, locality: { code: 'MZ_NOWHERE' } } }),
      facility('Other tenant', { tenantId: OTHER_TENANT }),
      facility('Kept 2'),
    ];
    expectAccepted(await http.post(FACILITY_BULK, envelope({ Facilities: batch })), FACILITY_BULK);
    const names = (await sim.client.facilities({})).items.map((f) => f.name).sort();
    expect(names).toEqual(['Kept 1', 'Kept 2']);
    expect((await sim.client.droppedItems()).map(({ code, item }) => ({ code, name: item.name }))).toEqual([
      { code: 'NON_EXISTENT_ENTITY', name: 'Unknown boundary' },
      { code: 'NON_EXISTENT_ENTITY', name: 'Other tenant' },
    ]);
  });
});

describe('faults after a bulk write', () => {
  const post = (path: string, body: unknown, timeout?: number) =>
    postOutcome(`${sim.url}${path}`, body, timeout);

  it('lost-answer: the valid part of the batch is saved although no answer came', async () => {
    const [projectId = ''] = await createProjects(1);
    const users = await createUsers(['7300000041', '7300000042']);
    await sim.client.setBehaviour({
      project: { faults: [{ kind: 'lost-answer', path: STAFF_BULK, count: 1 }] },
    });
    const batch = [...users.map((userId) => staff(projectId, userId)), staff(projectId, UNKNOWN_ID)];
    const outcome = await post(STAFF_BULK, envelope({ ProjectStaff: batch }));
    expect(['ECONNRESET', 'ERR_BAD_RESPONSE', 'EPIPE']).toContain(outcome);
    expect((await staffOf([projectId])).map((s) => s.userId).sort()).toEqual([...users].sort());
    expect((await sim.client.droppedItems()).map((d) => d.item)).toEqual([batch[2]]);
  });

  it('applied-then-error: a gateway answers 502, the facilities are saved', async () => {
    await sim.client.setBehaviour({
      facility: { faults: [{ kind: 'applied-then-error', path: FACILITY_BULK, count: 1 }] },
    });
    const res = await http.post(
      FACILITY_BULK,
      envelope({ Facilities: [facility('After 502 a'), facility('After 502 b')] }),
    );
    expect(res.status).toBe(502);
    expect(errorCodes(res.data)).toEqual(['BAD_GATEWAY']);
    expect(await facilitiesNamed('After 502 a')).toHaveLength(1);
    expect(await facilitiesNamed('After 502 b')).toHaveLength(1);
  });

  it('late-apply: the caller times out, the resources are saved afterwards', async () => {
    const [projectId = ''] = await createProjects(1);
    const variants = sim.productVariants.slice(0, 3).map((v) => v.id);
    await sim.client.setBehaviour({
      project: { faults: [{ kind: 'late-apply', path: RESOURCE_BULK, count: 1, holdMs: 500 }] },
    });
    const outcome = await post(
      RESOURCE_BULK,
      envelope({ ProjectResources: variants.map((id) => projectResource(projectId, id)) }),
      150,
    );
    expect(outcome).toBe('ECONNABORTED');
    expect((await sim.client.projectResources({ projectId })).total).toBe(0);
    await pause(700);
    expect((await sim.client.projectResources({ projectId })).total).toBe(3);
  });
});

describe('drop-items fault', () => {
  const DROPPED_BY_FAULT = 'DROPPED_BY_FAULT';

  it('project staff: answers 202, saves the others, lists the dropped ones; their single create works', async () => {
    const [projectId = ''] = await createProjects(1);
    const users = await createUsers(['7300000051', '7300000052', '7300000053', '7300000054']);
    await sim.client.setBehaviour({
      project: { faults: [{ kind: 'drop-items', path: STAFF_BULK, count: 2 }] },
    });
    const batch = users.map((userId) => staff(projectId, userId));
    expectAccepted(await http.post(STAFF_BULK, envelope({ ProjectStaff: batch })), STAFF_BULK);

    expect((await staffOf([projectId])).map((s) => s.userId).sort()).toEqual(users.slice(2).sort());
    const dropped = await sim.client.droppedItems();
    expect(dropped.map(({ path, code, message, item }) => ({ path, code, message, item }))).toEqual(
      batch.slice(0, 2).map((item) => ({
        path: STAFF_BULK,
        code: DROPPED_BY_FAULT,
        message: 'Dropped by the injected drop-items fault',
        item,
      })),
    );
    expect((await sim.client.calls()).project.faults).toEqual({ 'drop-items': 2 });

    for (const item of batch.slice(0, 2)) {
      const single = await http.post('/health-project/staff/v1/_create', envelope({ ProjectStaff: item }));
      expect(single.status).toBe(200);
    }
    expect((await staffOf([projectId])).map((s) => s.userId).sort()).toEqual([...users].sort());
    expect((await sim.client.duplicates()).total).toBe(0);

    // The count is spent: the next batch is saved whole.
    const [again = ''] = await createUsers(['7300000055']);
    await http.post(STAFF_BULK, envelope({ ProjectStaff: [staff(projectId, again)] }));
    expect(await staffOf([projectId])).toHaveLength(5);
  });

  it('facilities: a rate drops about that share of the items, each listed once', async () => {
    await sim.client.setBehaviour({ facility: { faults: [{ kind: 'drop-items', rate: 0.5 }] } });
    const names = Array.from({ length: 40 }, (_, i) => `Rate store ${i}`);
    const res = await http.post(FACILITY_BULK, envelope({ Facilities: names.map((name) => facility(name)) }));
    expectAccepted(res, FACILITY_BULK);

    const saved = (await sim.client.facilities({})).items.map((f) => f.name);
    const dropped = (await sim.client.droppedItems()).map(({ code, item }) => ({ code, name: item.name }));
    expect(dropped.length).toBeGreaterThan(5);
    expect(dropped.length).toBeLessThan(35);
    expect(dropped.every(({ code }) => code === DROPPED_BY_FAULT)).toBe(true);
    expect([...saved, ...dropped.map(({ name }) => name)].sort()).toEqual([...names].sort());
    expect((await sim.client.calls()).facility.faults['drop-items']).toBe(dropped.length);

    const [first] = dropped;
    const single = await http.post(
      '/facility/v1/_create',
      envelope({ Facility: facility(String(first?.name)) }),
    );
    expect(single.status).toBe(200);
    expect(await facilitiesNamed(String(first?.name))).toHaveLength(1);
  });

  it('an item invalid anyway is dropped for its own reason', async () => {
    const [projectId = ''] = await createProjects(1);
    await sim.client.setBehaviour({
      project: { faults: [{ kind: 'drop-items', path: PROJECT_FACILITY_BULK, count: 1 }] },
    });
    await http.post(
      PROJECT_FACILITY_BULK,
      envelope({ ProjectFacilities: [projectFacility(projectId, UNKNOWN_ID)] }),
    );
    expect((await sim.client.droppedItems()).map((d) => d.code)).toEqual(['NON_EXISTENT_RELATED_ENTITY']);
  });

  it('leaves the call to the other faults: a lost answer still strikes the batch it drops items of', async () => {
    const [projectId = ''] = await createProjects(1);
    const variants = sim.productVariants.slice(0, 2).map((v) => v.id);
    await sim.client.setBehaviour({
      project: {
        faults: [
          { kind: 'drop-items', path: RESOURCE_BULK, count: 1 },
          { kind: 'lost-answer', path: RESOURCE_BULK, count: 1 },
        ],
      },
    });
    const outcome = await postOutcome(
      `${sim.url}${RESOURCE_BULK}`,
      envelope({ ProjectResources: variants.map((id) => projectResource(projectId, id)) }),
    );
    expect(['ECONNRESET', 'ERR_BAD_RESPONSE', 'EPIPE']).toContain(outcome);
    expect((await sim.client.projectResources({ projectId })).total).toBe(1);
    expect((await sim.client.calls()).project.faults).toEqual({ 'drop-items': 1, 'lost-answer': 1 });
  });

  it('is configured on bulk creates only', async () => {
    const refusal = async (patch: unknown) => {
      const res = await http.put('/_sim/behaviour', patch);
      return res.status === 400 ? expectErrorEnvelope(res.data)[0]?.message : res.status;
    };
    expect(
      await refusal({
        project: { faults: [{ kind: 'drop-items', path: '/health-project/staff/v1/_create', count: 1 }] },
      }),
    ).toMatch(
      /^project\.faults: drop-items applies only to bulk creates .*, not \/health-project\/staff\/v1\/_create$/,
    );
    expect(
      await refusal({ project: { faults: [{ kind: 'drop-items', path: FACILITY_BULK, rate: 1 }] } }),
    ).toMatch(/drop-items applies only to bulk creates/);
    expect(await refusal({ hrms: { faults: [{ kind: 'drop-items', rate: 0.2 }] } })).toBe(
      'hrms.faults: drop-items applies only to bulk creates, and hrms has none',
    );
    expect(await refusal({ facility: { faults: [{ kind: 'drop-items', rate: 2 }] } })).toBe(
      'facility.faults: rate must be within 0..1',
    );
    expect(await refusal({ project: { faults: [{ kind: 'drop-items' }] } })).toBe(
      'project.faults: rate or count needed',
    );
    expect(await refusal({ '*': { faults: [{ kind: 'drop-items', rate: 0.2 }] } })).toBe(200);
    expect(await refusal({ '*': { faults: [{ kind: 'drop-items', path: STAFF_BULK, rate: 0.2 }] } })).toBe(
      200,
    );
  });
});

describe('per-item latency', () => {
  it('prices a call by its fixed latency plus its items', () => {
    const latency = { fixedMs: 20, jitterMs: 10, perItemMs: 1 };
    expect(callLatencyMs({ latency }, 100)).toBe(120);
    expect(callLatencyMs({ latency }, 0, 0.5)).toBe(25);
    expect(itemCount(STAFF_BULK, { RequestInfo: {}, ProjectStaff: [1, 2, 3] })).toBe(3);
    expect(itemCount('/health-project/v1/_create', { RequestInfo: {}, Projects: [1, 2] })).toBe(2);
    expect(itemCount('/health-project/staff/v1/_create', { RequestInfo: {}, ProjectStaff: {} })).toBe(0);
    expect(itemCount('/health-project/v1/_search', { RequestInfo: {}, Projects: [1, 2] })).toBe(0);
  });

  it('a batch of 200 items with no fixed latency takes at least 200 ms', async () => {
    const [projectId = ''] = await createProjects(1);
    await sim.client.setBehaviour({ project: { latency: { fixedMs: 0, jitterMs: 0, perItemMs: 1 } } });
    // The second call's work starts early by what the first one's took: its answer still waits its time.
    for (const round of [0, 1]) {
      const batch = Array.from({ length: 200 }, (_, i) => staff(projectId, `user-${round}-${i}`));
      const started = performance.now();
      const res = await http.post(STAFF_BULK, envelope({ ProjectStaff: batch }));
      expect(res.status).toBe(202);
      expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    }
  });

  it('is configurable at run time and validated', async () => {
    const changed = await sim.client.setBehaviour({ hrms: { latency: { perItemMs: 3 } } });
    expect(changed.hrms.latency).toEqual({ fixedMs: 0, jitterMs: 0, perItemMs: 3 });
    expect(changed.project.latency.perItemMs).toBe(1);
    const refused = await http.put('/_sim/behaviour', { hrms: { latency: { perItemMs: -1 } } });
    expect(refused.status).toBe(400);
  });
});
