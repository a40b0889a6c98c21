// Faults after the write: the simulator applies the call, then loses its answer, answers as a failing
// gateway would, or applies it only after the caller gave up. Each leaves the entity in DIGIT.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { AxiosInstance } from 'axios';
import { startDigitSimulator, type DigitSimulator } from '../src/index.ts';
import {
  TENANT,
  digitClient,
  employeePayload,
  envelope,
  errorCodes,
  facilityPayload,
  postOutcome,
  projectPayload,
} from './helpers.ts';

let sim: DigitSimulator;
let http: AxiosInstance;
let locality: string;

const PROJECT_CREATE = '/health-project/v1/_create';
const FACILITY_CREATE = '/facility/v1/_create';
const HRMS_CREATE = '/health-hrms/employees/_create';
const PROJECT_FACILITY_CREATE = '/health-project/facility/v1/_create';

beforeAll(async () => {
  sim = await startDigitSimulator({ seed: { size: 'S' } });
  http = digitClient(sim.url);
  locality = sim.hierarchy.codesByType.get('LOCALITY')?.[0] ?? '';
});
afterAll(async () => sim.stop());
beforeEach(async () => sim.client.reset());

function post(path: string, body: unknown, timeout?: number): Promise<number | string> {
  return postOutcome(`${sim.url}${path}`, body, timeout);
}

async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('never held');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function projectsOf(referenceID: string): Promise<{ id: string }[]> {
  const res = await http.post(
    `/health-project/v1/_search?tenantId=${TENANT}&limit=100&offset=0`,
    envelope({ Projects: [{ tenantId: TENANT, referenceID }] }),
  );
  return res.data.Project;
}

function facility(name: string) {
  return facilityPayload(name, locality);
}

async function facilitiesNamed(name: string): Promise<{ id: string }[]> {
  const res = await http.post(
    `/facility/v1/_search?tenantId=${TENANT}&limit=100&offset=0`,
    envelope({ Facility: { name } }),
  );
  return res.data.Facilities;
}

describe('faults after the write', () => {
  it('lost-answer: the project is created, the socket is closed without an answer', async () => {
    await sim.client.setBehaviour({
      project: { faults: [{ kind: 'lost-answer', path: PROJECT_CREATE, count: 1 }] },
    });
    const outcome = await post(
      PROJECT_CREATE,
      envelope({ Projects: [projectPayload(locality, 'LOCALITY', { referenceID: 'CMP-LOST-1' })] }),
    );
    expect(['ECONNRESET', 'ERR_BAD_RESPONSE', 'EPIPE']).toContain(outcome);
    expect(await projectsOf('CMP-LOST-1')).toHaveLength(1);
    const calls = (await sim.client.calls()).project;
    expect(calls.faults['lost-answer']).toBe(1);
    expect(calls.byStatus.dropped).toBe(1);
  });

  it('applied-then-error: the facility is created, a gateway answers 504', async () => {
    await sim.client.setBehaviour({
      facility: { faults: [{ kind: 'applied-then-error', path: FACILITY_CREATE, count: 1, status: 504 }] },
    });
    const res = await http.post(FACILITY_CREATE, envelope({ Facility: facility('After gateway 504') }));
    expect(res.status).toBe(504);
    expect(errorCodes(res.data)).toEqual(['GATEWAY_TIMEOUT']);
    expect(await facilitiesNamed('After gateway 504')).toHaveLength(1);
    expect((await sim.client.calls()).facility.faults['applied-then-error']).toBe(1);
  });

  it('applied-then-error answers 502 by default', async () => {
    await sim.client.setBehaviour({
      project: { faults: [{ kind: 'applied-then-error', path: PROJECT_FACILITY_CREATE, count: 1 }] },
    });
    const project = (
      await http.post(
        PROJECT_CREATE,
        envelope({ Projects: [projectPayload(locality, 'LOCALITY', { referenceID: 'CMP-502' })] }),
      )
    ).data.Project[0] as { id: string };
    const created = (await http.post(FACILITY_CREATE, envelope({ Facility: facility('Mapped after 502') })))
      .data.Facility as { id: string };
    const res = await http.post(
      PROJECT_FACILITY_CREATE,
      envelope({ ProjectFacility: { tenantId: TENANT, projectId: project.id, facilityId: created.id } }),
    );
    expect(res.status).toBe(502);
    expect(errorCodes(res.data)).toEqual(['BAD_GATEWAY']);
    const search = await http.post(
      `/health-project/facility/v1/_search?tenantId=${TENANT}&limit=100&offset=0`,
      envelope({ ProjectFacility: { projectId: [project.id], facilityId: [created.id] } }),
    );
    expect(search.data.ProjectFacilities).toHaveLength(1);
  });

  it('late-apply: the caller times out, the employee is created afterwards', async () => {
    await sim.client.setBehaviour({
      hrms: { faults: [{ kind: 'late-apply', path: HRMS_CREATE, count: 1, holdMs: 600 }] },
    });
    const phone = '7000000001';
    const outcome = await post(
      HRMS_CREATE,
      envelope({ Employees: [employeePayload(phone, locality, 'LOCALITY')] }),
      200,
    );
    expect(outcome).toBe('ECONNABORTED');
    const search = () =>
      http
        .post(`/health-hrms/employees/_search?tenantId=${TENANT}&phone=${phone}`, envelope())
        .then((res) => ((res.data.Employees as unknown[]).length > 0 ? res.data.Employees : undefined));
    expect(await eventually(search)).toHaveLength(1);
    expect((await sim.client.calls()).hrms.faults['late-apply']).toBe(1);
  });

  it('refuses unknown fault kinds with the list of known ones', async () => {
    const res = await http.put('/_sim/behaviour', { hrms: { faults: [{ kind: 'vanish', rate: 1 }] } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.data)).toContain('lost-answer, applied-then-error, late-apply');
  });
});
