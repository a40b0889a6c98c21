// The message a create saves its items in: the services push their items enriched, beside the RequestInfo,
// as one Kafka message of at most 1 MiB. A request that fits as sent can still be too large once enriched:
// a synchronous create is refused and stores nothing, a bulk create's valid items are dropped. The shared
// library's saved forms, which the workers size their requests by, must bound what the simulator saves.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  savedEmployee,
  savedFacility,
  savedMapping,
  savedProject,
  type EmployeePayload,
  type FacilityPayload,
  type ProjectPayload,
} from '@campaign-pipeline/shared';
import type { AxiosInstance } from 'axios';
import { BULK_REQUEST_MAX_BYTES, startDigitSimulator, type DigitSimulator } from '../src/index.ts';
import {
  TENANT,
  digitClient,
  employeePayload,
  envelope,
  errorCodes,
  facilityPayload,
  projectPayload,
} from './helpers.ts';

let sim: DigitSimulator;
let http: AxiosInstance;
let locality: string;

beforeAll(async () => {
  sim = await startDigitSimulator({ seed: { size: 'S' } });
  http = digitClient(sim.url);
  locality = sim.hierarchy.codesByType.get('LOCALITY')?.[0] ?? '';
});
afterAll(async () => sim.stop());
beforeEach(async () => {
  sim.reset();
  await sim.client.setBehaviour({ '*': { visibilityDelayMs: 0, latency: { perItemMs: 0 } } });
});

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** As many items as fit in 90 % of a request as sent. */
const fillRequest = (item: unknown) => Math.floor((BULK_REQUEST_MAX_BYTES * 0.9) / (bytes(item) + 1));

/** An employee as the workers send one: its code is its user name. */
function employee(phone: string) {
  const sent = employeePayload(phone, locality, 'LOCALITY');
  const code = `USR-${phone}`;
  return { ...sent, code, user: { ...sent.user, userName: code } };
}

describe('the message that saves what a create made', () => {
  it('refuses an HRMS create whose employees fit as sent but not once enriched, and stores none', async () => {
    const count = fillRequest(employee('7400000000'));
    const employees = Array.from({ length: count }, (_, i) => employee(String(7_400_000_000 + i)));
    expect(bytes(envelope({ Employees: employees }))).toBeLessThan(BULK_REQUEST_MAX_BYTES);

    const res = await http.post('/health-hrms/employees/_create', envelope({ Employees: employees }));

    expect(res.status).toBe(400);
    expect(errorCodes(res.data)).toEqual(['EVENT_BUS_FAILURE']);
    expect((await sim.client.counts()).employees).toBe(0);
    const half = await http.post(
      '/health-hrms/employees/_create',
      envelope({ Employees: employees.slice(0, Math.floor(count / 4)) }),
    );
    expect(half.status).toBe(200);
    expect((await sim.client.counts()).employees).toBe(Math.floor(count / 4));
  });

  it('drops every valid item of a bulk create whose saved message is over the limit, with EVENT_BUS_FAILURE', async () => {
    const facility = (i: number) => facilityPayload(`Store ${i}`, locality);
    const count = fillRequest(facility(0));
    const facilities = Array.from({ length: count }, (_, i) => facility(i));

    const res = await http.post('/facility/v1/bulk/_create', envelope({ Facilities: facilities }));

    expect(res.status).toBe(202);
    expect((await sim.client.counts()).facilities).toBe(0);
    const dropped = await sim.client.droppedItems();
    expect(dropped).toHaveLength(count);
    expect(new Set(dropped.map((item) => item.code))).toEqual(new Set(['EVENT_BUS_FAILURE']));
    const calls = (await sim.client.calls()).facility;
    expect(calls.pushed['POST /facility/v1/bulk/_create']).toBeUndefined();
  });

  it('counts the bytes and items of each message it saves, per create route', async () => {
    const employees = ['7400000101', '7400000102'].map(employee);
    const res = await http.post('/health-hrms/employees/_create', envelope({ Employees: employees }));
    expect(res.status).toBe(200);
    const pushed = (await sim.client.calls()).hrms.pushed['POST /health-hrms/employees/_create'];
    expect(pushed).toEqual({
      messages: 1,
      items: 2,
      bytes: bytes({ RequestInfo: envelope().RequestInfo, Employees: res.data.Employees }),
    });
  });
});

describe("the shared library's saved forms bound what the simulator saves", () => {
  it('projects, at their depth in the project tree', async () => {
    const [district = '', child = ''] = [
      sim.hierarchy.codesByType.get('DISTRICT')?.[0],
      sim.hierarchy.codesByType.get('LOCALITY')?.[0],
    ];
    const root = projectPayload(district, 'DISTRICT', {
      targets: [
        { beneficiaryType: 'HOUSEHOLD', targetNo: 120 },
        { beneficiaryType: 'INDIVIDUAL', targetNo: 480 },
      ],
    });
    const created = await http.post('/health-project/v1/_create', envelope({ Projects: [root] }));
    expect(created.status).toBe(200);
    const [rootProject] = created.data.Project as { id: string }[];
    const below = projectPayload(child, 'LOCALITY', { parent: rootProject?.id });
    const childAnswer = await http.post('/health-project/v1/_create', envelope({ Projects: [below] }));
    expect(childAnswer.status).toBe(200);

    expect(bytes(created.data.Project[0])).toBeLessThanOrEqual(
      bytes(savedProject(root as ProjectPayload, 1)),
    );
    expect(bytes(childAnswer.data.Project[0])).toBeLessThanOrEqual(
      bytes(savedProject(below as ProjectPayload, 2)),
    );
  });

  it('employees, facilities and mappings', async () => {
    const sent = employee('7400000201');
    const hired = await http.post('/health-hrms/employees/_create', envelope({ Employees: [sent] }));
    expect(hired.status).toBe(200);
    expect(bytes(hired.data.Employees[0])).toBeLessThanOrEqual(bytes(savedEmployee(sent as EmployeePayload)));

    const facility = facilityPayload('Central store', locality, { clientReferenceId: 'ref-1' });
    expect((await http.post('/facility/v1/bulk/_create', envelope({ Facilities: [facility] }))).status).toBe(
      202,
    );
    const [storedFacility] = [...sim.state.facilities.byId.values()].map((record) => record.data);
    expect(bytes(storedFacility)).toBeLessThanOrEqual(bytes(savedFacility(facility as FacilityPayload)));

    const project = await http.post(
      '/health-project/v1/_create',
      envelope({ Projects: [projectPayload(locality, 'LOCALITY')] }),
    );
    const projectId = (project.data.Project as { id: string }[])[0]?.id ?? '';
    const userId = (hired.data.Employees as { user: { uuid: string } }[])[0]?.user.uuid ?? '';
    const staff = {
      tenantId: TENANT,
      projectId,
      userId,
      startDate: Date.UTC(2026, 11, 1),
      endDate: Date.UTC(2026, 11, 31),
    };
    const mapped = await http.post(
      '/health-project/staff/v1/bulk/_create',
      envelope({ ProjectStaff: [staff] }),
    );
    expect(mapped.status).toBe(202);
    const pushed = (await sim.client.calls()).project.pushed['POST /health-project/staff/v1/bulk/_create'];
    const savedBytes = bytes({ RequestInfo: envelope().RequestInfo, ProjectStaff: [savedMapping(staff)] });
    expect(pushed?.items).toBe(1);
    expect(pushed?.bytes).toBeLessThanOrEqual(savedBytes);
  });
});
