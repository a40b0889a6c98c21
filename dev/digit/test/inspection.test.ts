import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { AxiosInstance } from 'axios';
import { startDigitSimulator, type DigitSimulator } from '../src/index.ts';
import { TENANT, digitClient, employeePayload, envelope, projectPayload } from './helpers.ts';

let sim: DigitSimulator;
let http: AxiosInstance;
let localities: string[];

beforeAll(async () => {
  sim = await startDigitSimulator({ seed: { size: 'S' } });
  http = digitClient(sim.url);
  localities = sim.hierarchy.codesByType.get('LOCALITY') ?? [];
});
afterAll(async () => sim.stop());
beforeEach(async () => sim.client.reset());

/** A small, clean campaign state: two projects, two employees, two facilities and their mappings. */
async function createCleanState(): Promise<void> {
  const [a = '', b = ''] = localities;
  const projects = await http.post(
    '/health-project/v1/_create',
    envelope({ Projects: [projectPayload(a, 'LOCALITY'), projectPayload(b, 'LOCALITY')] }),
  );
  const employees = await http.post(
    '/health-hrms/employees/_create',
    envelope({
      Employees: [employeePayload('7300000001', a, 'LOCALITY'), employeePayload('7300000002', b, 'LOCALITY')],
    }),
  );
  for (const [i, project] of (projects.data.Project as Array<{ id: string }>).entries()) {
    const facility = await http.post(
      '/facility/v1/_create',
      envelope({ Facility: { tenantId: TENANT, name: `Facility ${i}`, usage: 'Warehouse' } }),
    );
    const userId = employees.data.Employees[i].user.uuid as string;
    await http.post(
      '/health-project/staff/v1/_create',
      envelope({ ProjectStaff: { tenantId: TENANT, projectId: project.id, userId } }),
    );
    await http.post(
      '/health-project/facility/v1/_create',
      envelope({
        ProjectFacility: { tenantId: TENANT, projectId: project.id, facilityId: facility.data.Facility.id },
      }),
    );
    await http.post(
      '/health-project/resource/v1/_create',
      envelope({
        ProjectResource: {
          tenantId: TENANT,
          projectId: project.id,
          resource: { productVariantId: sim.productVariants[0]?.id },
        },
      }),
    );
  }
}

describe('duplicate report', () => {
  it('is empty for a clean state', async () => {
    await createCleanState();
    const counts = await sim.client.counts();
    expect(counts).toMatchObject({
      projects: 2,
      employees: 2,
      facilities: 2,
      projectStaff: 2,
      projectFacilities: 2,
      projectResources: 2,
    });
    const report = await sim.client.duplicates();
    expect(report.total).toBe(0);
  });

  it('finds two employees with one phone', async () => {
    await createCleanState();
    const [planted] = (await sim.client.plant({ employees: [{ phone: '7300000001' }] })).employees;
    const report = await sim.client.duplicates();
    expect(report.total).toBe(1);
    expect(report.employeesByPhone).toEqual([
      { tenantId: TENANT, phone: '7300000001', ids: [expect.any(String), planted] },
    ]);
  });

  it('finds two projects with one boundary and reference, but not once one is deleted', async () => {
    await createCleanState();
    const again = await http.post(
      '/health-project/v1/_create',
      envelope({ Projects: [projectPayload(localities[0] ?? '', 'LOCALITY')] }),
    );
    const report = await sim.client.duplicates();
    expect(report.total).toBe(1);
    expect(report.projectsByBoundaryAndReference[0]).toMatchObject({
      boundary: localities[0],
      referenceID: 'CMP-2026-11-21-000001',
      ids: [expect.any(String), again.data.Project[0].id],
    });
    await http.post(
      '/health-project/v1/_update',
      envelope({ Projects: [{ ...again.data.Project[0], isDeleted: true }] }),
    );
    expect((await sim.client.duplicates()).total).toBe(0);
  });

  it('finds two facilities with one name', async () => {
    await createCleanState();
    await http.post('/facility/v1/_create', envelope({ Facility: { tenantId: TENANT, name: 'Facility 0' } }));
    const report = await sim.client.duplicates();
    expect(report.total).toBe(1);
    expect(report.facilitiesByName[0]).toMatchObject({ tenantId: TENANT, name: 'Facility 0' });
    expect(report.facilitiesByName[0]?.ids).toHaveLength(2);
  });

  it('finds two active mappings of one pair, of each kind', async () => {
    await createCleanState();
    const [staff] = (await sim.client.projectStaff()).items;
    const [pf] = (await sim.client.projectFacilities()).items;
    const [pr] = (await sim.client.projectResources()).items;
    await sim.client.plant({
      projectStaff: [{ projectId: String(staff?.projectId), userId: String(staff?.userId) }],
      projectFacilities: [{ projectId: String(pf?.projectId), facilityId: String(pf?.facilityId) }],
      projectResources: [
        { projectId: String(pr?.projectId), productVariantId: sim.productVariants[0]?.id ?? '' },
      ],
    });
    const report = await sim.client.duplicates();
    expect(report.total).toBe(3);
    expect(report.projectStaff[0]).toMatchObject({ projectId: staff?.projectId, userId: staff?.userId });
    expect(report.projectFacilities[0]).toMatchObject({
      projectId: pf?.projectId,
      facilityId: pf?.facilityId,
    });
    expect(report.projectResources[0]).toMatchObject({
      projectId: pr?.projectId,
      productVariantId: sim.productVariants[0]?.id,
    });
  });
});

describe('entity listings', () => {
  it('lists projects with parent and targets, filtered', async () => {
    await createCleanState();
    const all = await sim.client.projects({ referenceID: 'CMP-2026-11-21-000001' });
    expect(all.total).toBe(2);
    expect(all.items[0]).toMatchObject({
      parent: null,
      visible: true,
      targets: [{ beneficiaryType: 'HOUSEHOLD', targetNo: 120 }],
    });
    const one = await sim.client.projects({ boundary: localities[1] });
    expect(one.items.map((p) => p.address?.boundary)).toEqual([localities[1]]);
    expect((await sim.client.projects({ parent: 'null' })).total).toBe(2);
  });

  it('lists employees, facilities and mappings, deleted ones on request', async () => {
    await createCleanState();
    expect((await sim.client.employees({ phone: '7300000002' })).items[0]?.user.mobileNumber).toBe(
      '7300000002',
    );
    expect((await sim.client.facilities({ name: 'Facility 1' })).total).toBe(1);
    const staff = await sim.client.projectStaff();
    await http.post('/health-project/staff/v1/bulk/_delete', envelope({ ProjectStaff: [staff.items[0]] }));
    expect((await sim.client.projectStaff()).total).toBe(1);
    expect((await sim.client.projectStaff({ includeDeleted: true })).total).toBe(2);
    expect((await sim.client.counts()).deleted.projectStaff).toBe(1);
  });

  it('forgets everything on reset', async () => {
    await createCleanState();
    await sim.client.reset();
    const counts = await sim.client.counts();
    expect(counts).toMatchObject({ projects: 0, employees: 0, facilities: 0, projectStaff: 0, files: 0 });
    expect((await sim.client.calls()).project.total).toBe(0);
  });
});
