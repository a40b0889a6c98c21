import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import axios, { type AxiosInstance } from 'axios';
import { startDigitSimulator, type DigitSimulator } from '../src/index.ts';
import { TENANT, digitClient, employeePayload, envelope, errorCodes, projectPayload } from './helpers.ts';

let sim: DigitSimulator;
let http: AxiosInstance;
let locality: string;

const IDGEN = '/egov-idgen/id/_generate';
const idRequest = envelope({ idRequests: [{ idName: 'n', tenantId: TENANT, format: 'X-[SEQ_N]' }] });

beforeAll(async () => {
  sim = await startDigitSimulator({ seed: { size: 'S' } });
  http = digitClient(sim.url);
  locality = sim.hierarchy.codesByType.get('LOCALITY')?.[0] ?? '';
});
afterAll(async () => sim.stop());
beforeEach(async () => sim.client.reset());

function until(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retries a check until it holds or the attempts run out (for effects that take a configured delay). */
async function eventually(check: () => Promise<boolean>, attempts = 50, pauseMs = 100): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return true;
    await until(pauseMs);
  }
  return false;
}

describe('behaviour configuration', () => {
  it('reads and changes the configuration over /_sim/behaviour, and reset restores the start values', async () => {
    const changed = await sim.client.setBehaviour({ project: { latency: { fixedMs: 5 }, capacity: 3 } });
    expect(changed.project).toMatchObject({ latency: { fixedMs: 5, jitterMs: 0 }, capacity: 3 });
    expect(changed.hrms.capacity).toBeNull();
    await expect(sim.client.setBehaviour({ nowhere: {} } as never)).rejects.toThrow();
    await sim.client.reset();
    expect((await sim.client.behaviour()).project.capacity).toBeNull();
  });

  it('takes behaviour at start', async () => {
    const other = await startDigitSimulator({
      behaviour: { '*': { capacity: 7 }, hrms: { visibilityDelayMs: 1000 } },
    });
    try {
      const behaviour = await other.client.behaviour();
      expect(behaviour.idgen.capacity).toBe(7);
      expect(behaviour.hrms.visibilityDelayMs).toBe(1000);
      expect(behaviour.project.visibilityDelayMs).toBe(0);
    } finally {
      await other.stop();
    }
  });
});

describe('faults', () => {
  it('fails the next N calls of a path with the given status and code, then recovers', async () => {
    await sim.client.setBehaviour({
      idgen: { faults: [{ kind: 'error', path: IDGEN, count: 2, status: 502, code: 'BAD_GATEWAY' }] },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await http.post(IDGEN, idRequest);
      statuses.push(res.status);
      if (res.status === 502) expect(errorCodes(res.data)).toEqual(['BAD_GATEWAY']);
    }
    expect(statuses).toEqual([502, 502, 200, 200]);
    expect((await sim.client.calls()).idgen.byStatus).toEqual({ '200': 2, '502': 2 });
  });

  it('applies an error rate per path only to that path', async () => {
    await sim.client.setBehaviour({
      project: { faults: [{ kind: 'error', path: '/health-project/v1/_create', rate: 1 }] },
    });
    const create = await http.post(
      '/health-project/v1/_create',
      envelope({ Projects: [projectPayload(locality, 'LOCALITY')] }),
    );
    expect(create.status).toBe(500);
    expect(errorCodes(create.data)).toEqual(['INTERNAL_SERVER_ERROR']);
    const search = await http.post(
      `/health-project/v1/_search?tenantId=${TENANT}&limit=1&offset=0`,
      envelope({ Projects: [{ tenantId: TENANT, referenceID: 'x' }] }),
    );
    expect(search.status).toBe(200);
    expect((await sim.client.counts()).projects).toBe(0);
  });

  it('fails about the configured share of calls', async () => {
    await sim.client.setBehaviour({ idgen: { faults: [{ kind: 'error', rate: 0.5 }] } });
    const results = await Promise.all(Array.from({ length: 200 }, () => http.post(IDGEN, idRequest)));
    const failed = results.filter((r) => r.status === 500).length;
    expect(failed).toBeGreaterThan(50);
    expect(failed).toBeLessThan(150);
  });

  it('holds a request past the client timeout and then drops it', async () => {
    await sim.client.setBehaviour({ idgen: { faults: [{ kind: 'timeout', count: 1, holdMs: 5_000 }] } });
    const error = await axios
      .post(`${sim.url}${IDGEN}`, idRequest, { timeout: 300 })
      .catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.code).toBe('ECONNABORTED');
    expect((await http.post(IDGEN, idRequest)).status).toBe(200);
  });

  it('resets the connection', async () => {
    await sim.client.setBehaviour({ idgen: { faults: [{ kind: 'reset', count: 1 }] } });
    const error = await axios.post(`${sim.url}${IDGEN}`, idRequest).catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response).toBeUndefined();
    expect(
      axios.isAxiosError(error) && ['ECONNRESET', 'ERR_BAD_RESPONSE', 'EPIPE'].includes(String(error.code)),
    ).toBe(true);
    expect((await http.post(IDGEN, idRequest)).status).toBe(200);
    expect((await sim.client.calls()).idgen.byStatus.dropped).toBe(1);
  });
});

describe('latency and capacity', () => {
  it('keeps calls in flight for the configured latency, so parallel calls overlap', async () => {
    await sim.client.setBehaviour({ idgen: { latency: { fixedMs: 800, jitterMs: 0 } } });
    const results = await Promise.all(Array.from({ length: 5 }, () => http.post(IDGEN, idRequest)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect((await sim.client.calls()).idgen.maxConcurrency).toBe(5);
  });

  it('counts the call time it served, in total and second by second', async () => {
    await sim.client.setBehaviour({ idgen: { latency: { fixedMs: 1_200, jitterMs: 0 } } });
    await until(300);
    await Promise.all(Array.from({ length: 3 }, () => http.post(IDGEN, idRequest)));
    const calls = (await sim.client.calls()).idgen;
    // Three calls of 1.2 s each, begun 0.3 s after the reset: 3.6 s in all, over seconds 0, 1 and 2. No
    // answer leaves before it is due, so they were served no less than the latency the model gave them.
    expect(calls.busyMs).toBeGreaterThanOrEqual(calls.latencyMs);
    expect(calls.busyMs).toBeLessThan(4_200);
    expect(calls.busyMsBySecond.reduce((total, ms) => total + ms, 0)).toBeCloseTo(calls.busyMs, -1);
    expect(calls.busyMsBySecond.length).toBe(2);
    expect(calls.busyMsBySecond[0]).toBeGreaterThan(1_800);
    // The latency the model gave them: 1,200 ms and 1 ms for the one id request each carries.
    expect(calls.latencyMs).toBe(3 * 1_201);
    // What they carried: one item each, in the bytes their requests declared.
    expect(calls.carried[`POST ${IDGEN}`]).toEqual({
      calls: 3,
      items: 3,
      bytes: 3 * Buffer.byteLength(JSON.stringify(idRequest)),
    });
  });

  it('answers 503 at once to calls beyond capacity', async () => {
    await sim.client.setBehaviour({ idgen: { latency: { fixedMs: 1_000 }, capacity: 2 } });
    const results = await Promise.all(Array.from({ length: 10 }, () => http.post(IDGEN, idRequest)));
    const rejected = results.filter((r) => r.status === 503);
    expect(rejected.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    expect(results.every((r) => r.status === 200 || r.status === 503)).toBe(true);
    expect(errorCodes(rejected[0]?.data)).toEqual(['SERVICE_UNAVAILABLE']);
    const calls = (await sim.client.calls()).idgen;
    expect(calls.rejected).toBe(rejected.length);
    expect(calls.total).toBe(10);
  });

  it('counts calls by route and resets the counters', async () => {
    await http.post(IDGEN, idRequest);
    await http.post(
      `/boundary-service/boundary-relationships/_search?tenantId=${TENANT}&hierarchyType=ADMIN`,
      envelope(),
    );
    const calls = await sim.client.calls();
    expect(calls.idgen.byRoute).toEqual({ [`POST ${IDGEN}`]: 1 });
    expect(calls.boundary.total).toBe(1);
    await sim.client.resetCalls();
    expect((await sim.client.calls()).idgen.total).toBe(0);
  });
});

describe('eventual consistency', () => {
  it('hides a created project from search until the delay has passed', async () => {
    await sim.client.setBehaviour({ project: { visibilityDelayMs: 1_500 } });
    const create = await http.post(
      '/health-project/v1/_create',
      envelope({ Projects: [projectPayload(locality, 'LOCALITY')] }),
    );
    expect(create.status).toBe(200);
    const search = () =>
      http.post(
        `/health-project/v1/_search?tenantId=${TENANT}&limit=10&offset=0`,
        envelope({ Projects: [{ tenantId: TENANT, id: create.data.Project[0].id }] }),
      );
    expect((await search()).data.Project).toEqual([]);
    const child = await http.post(
      '/health-project/v1/_create',
      envelope({ Projects: [projectPayload(locality, 'LOCALITY', { parent: create.data.Project[0].id })] }),
    );
    expect(errorCodes(child.data)).toEqual(['INVALID_PARENT_PROJECT']);
    expect((await sim.client.counts()).pending).toBe(1);
    expect(await eventually(async () => (await search()).data.Project.length === 1)).toBe(true);
  });

  it('hides new employees from search but still refuses their phone at once', async () => {
    await sim.client.setBehaviour({ hrms: { visibilityDelayMs: 1_500 } });
    const create = await http.post(
      '/health-hrms/employees/_create',
      envelope({ Employees: [employeePayload('7200000001', locality, 'LOCALITY')] }),
    );
    expect(create.status).toBe(200);
    const search = () =>
      http.post(`/health-hrms/employees/_search?tenantId=${TENANT}&phone=7200000001`, envelope());
    expect((await search()).data.Employees).toEqual([]);
    const again = await http.post(
      '/health-hrms/employees/_create',
      envelope({ Employees: [employeePayload('7200000001', locality, 'LOCALITY')] }),
    );
    expect(errorCodes(again.data)).toEqual(['ERR_HRMS_USER_EXIST_MOB']);
    expect(await eventually(async () => (await search()).data.Employees.length === 1)).toBe(true);
  });

  it('lets a mapping created twice inside the delay through, which the duplicate report shows', async () => {
    const project = await http.post(
      '/health-project/v1/_create',
      envelope({ Projects: [projectPayload(locality, 'LOCALITY')] }),
    );
    const employee = await http.post(
      '/health-hrms/employees/_create',
      envelope({ Employees: [employeePayload('7200000002', locality, 'LOCALITY')] }),
    );
    await sim.client.setBehaviour({ project: { visibilityDelayMs: 1_000 } });
    const mapping = envelope({
      ProjectStaff: {
        tenantId: TENANT,
        projectId: project.data.Project[0].id,
        userId: employee.data.Employees[0].user.uuid,
      },
    });
    expect((await http.post('/health-project/staff/v1/_create', mapping)).status).toBe(200);
    expect((await http.post('/health-project/staff/v1/_create', mapping)).status).toBe(200);
    const report = await sim.client.duplicates();
    expect(report.projectStaff).toHaveLength(1);
    expect(report.projectStaff[0]?.ids).toHaveLength(2);
  });
});
