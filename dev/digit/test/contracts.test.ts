import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  DEFAULT_HIERARCHY_TYPE,
  PROJECT_TYPE_SCHEMA_CODE,
  type BoundaryNode,
} from '@campaign-pipeline/shared';
import type { AxiosInstance } from 'axios';
import { startDigitSimulator, type DigitSimulator } from '../src/index.ts';
import {
  TENANT,
  USER_UUID,
  digitClient,
  employeePayload,
  envelope,
  errorCodes,
  expectErrorEnvelope,
  facilityPayload,
  projectPayload,
  requestInfo,
} from './helpers.ts';

let sim: DigitSimulator;
let http: AxiosInstance;
let locality: string;
let district: string;

beforeAll(async () => {
  sim = await startDigitSimulator({ seed: { size: 'S' } });
  http = digitClient(sim.url);
  locality = sim.hierarchy.codesByType.get('LOCALITY')?.[0] ?? '';
  district = sim.hierarchy.codesByType.get('DISTRICT')?.[0] ?? '';
});
afterAll(async () => sim.stop());
beforeEach(() => sim.reset());

function expectSuccess(body: {
  ResponseInfo: { status: string; apiId: string; ver: string; ts: number };
}): void {
  expect(body.ResponseInfo).toMatchObject({ apiId: 'Rainmaker', ver: '.01', status: 'successful' });
  expect(typeof body.ResponseInfo.ts).toBe('number');
}

async function createProject(boundary: string, boundaryType: string, extra: Record<string, unknown> = {}) {
  const res = await http.post(
    '/health-project/v1/_create',
    envelope({ Projects: [projectPayload(boundary, boundaryType, extra)] }),
  );
  expect(res.status).toBe(200);
  return res.data.Project[0] as {
    id: string;
    address: { boundary: string; id: string };
    targets: Array<{ id: string }>;
  };
}

async function createEmployee(phone: string) {
  const res = await http.post(
    '/health-hrms/employees/_create',
    envelope({ Employees: [employeePayload(phone, locality, 'LOCALITY')] }),
  );
  expect(res.status).toBe(200);
  return res.data.Employees[0] as {
    code: string;
    user: { uuid: string; userServiceUuid: string; mobileNumber: string };
  };
}

async function createFacility(name: string) {
  const res = await http.post(
    '/facility/v1/_create',
    envelope({ Facility: facilityPayload(name, locality) }),
  );
  expect(res.status).toBe(200);
  return res.data.Facility as { id: string; name: string };
}

describe('envelopes', () => {
  it('rejects a call without RequestInfo with the DIGIT error envelope', async () => {
    const res = await http.post('/health-project/v1/_create', {
      Projects: [projectPayload(locality, 'LOCALITY')],
    });
    expect(res.status).toBe(400);
    expect(res.data).toEqual({
      ResponseInfo: null,
      Errors: [{ code: 'REQUEST_INFO', message: expect.any(String), description: null, params: null }],
    });
  });

  it('answers unknown paths and malformed JSON with error envelopes', async () => {
    const missing = await http.post('/health-project/v9/_nothing', envelope());
    expect(missing.status).toBe(404);
    expectErrorEnvelope(missing.data);
    const malformed = await http.post('/health-project/v1/_create', '{"RequestInfo":', {
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expectErrorEnvelope(malformed.data);
  });

  it('requires a user in RequestInfo to create anything', async () => {
    const info = { ...requestInfo(), userInfo: undefined };
    const res = await http.post('/facility/v1/_create', {
      RequestInfo: info,
      Facility: { tenantId: TENANT, name: 'x' },
    });
    expect(res.status).toBe(400);
    expect(errorCodes(res.data)).toEqual(['USERINFO']);
  });
});

describe('boundary service', () => {
  it('returns the whole tree with children', async () => {
    const res = await http.post(
      `/boundary-service/boundary-relationships/_search?tenantId=${TENANT}&hierarchyType=${DEFAULT_HIERARCHY_TYPE}&includeChildren=true`,
      envelope(),
    );
    expect(res.status).toBe(200);
    expectSuccess(res.data);
    const [tenantBoundary] = res.data.TenantBoundary;
    expect(tenantBoundary).toMatchObject({ tenantId: TENANT, hierarchyType: DEFAULT_HIERARCHY_TYPE });
    const root = tenantBoundary.boundary[0] as BoundaryNode;
    expect(root.code).toBe(sim.hierarchy.root.code);
    expect(root.boundaryType).toBe('COUNTRY');
    const count = (node: BoundaryNode): number => 1 + node.children.reduce((n, c) => n + count(c), 0);
    expect(count(root)).toBe(sim.hierarchy.byCode.size);
  });

  it('returns the subtree of given codes', async () => {
    const res = await http.post(
      `/boundary-service/boundary-relationships/_search?tenantId=${TENANT}&hierarchyType=ADMIN&includeChildren=true&codes=${district}`,
      envelope(),
    );
    const [node] = res.data.TenantBoundary[0].boundary as BoundaryNode[];
    expect(node?.code).toBe(district);
    expect(node?.boundaryType).toBe('DISTRICT');
    expect(node?.children.length).toBe(sim.hierarchy.byCode.get(district)?.node.children.length);
  });

  it('requires tenantId and hierarchyType', async () => {
    const res = await http.post('/boundary-service/boundary-relationships/_search?tenantId=mz', envelope());
    expect(res.status).toBe(400);
    expectErrorEnvelope(res.data);
  });

  it('returns the hierarchy definition', async () => {
    const res = await http.post(
      '/boundary-service/boundary-hierarchy-definition/_search',
      envelope({ BoundaryTypeHierarchySearchCriteria: { tenantId: TENANT, hierarchyType: 'ADMIN' } }),
    );
    expect(res.status).toBe(200);
    expect(
      res.data.BoundaryHierarchy[0].boundaryHierarchy.map((l: { boundaryType: string }) => l.boundaryType),
    ).toEqual(['COUNTRY', 'PROVINCE', 'DISTRICT', 'ADMINISTRATIVE_POST', 'LOCALITY']);
    expect(res.data.BoundaryHierarchy[0].boundaryHierarchy[1]).toMatchObject({
      boundaryType: 'PROVINCE',
      parentBoundaryType: 'COUNTRY',
    });
  });
});

describe('MDMS v2', () => {
  it('returns the project types with their target columns', async () => {
    const res = await http.post(
      '/egov-mdms-service/v2/_search',
      envelope({ MdmsCriteria: { tenantId: TENANT, schemaCode: PROJECT_TYPE_SCHEMA_CODE } }),
    );
    expect(res.status).toBe(200);
    expectSuccess(res.data);
    const types = res.data.mdms.map((m: { data: { code: string } }) => m.data);
    expect(types.map((t: { code: string }) => t.code).sort()).toEqual(['LLIN-mz', 'MR-DN']);
    const llin = types.find((t: { code: string }) => t.code === 'LLIN-mz');
    expect(llin.targetColumns).toEqual([
      { key: 'HCM_ADMIN_CONSOLE_TARGET', beneficiaryType: 'HOUSEHOLD', required: true },
      { key: 'HCM_ADMIN_CONSOLE_TARGET_BEDNET_COLUMN_2', beneficiaryType: 'INDIVIDUAL', required: false },
      { key: 'HCM_ADMIN_CONSOLE_TARGET_BEDNET_COLUMN_3', beneficiaryType: 'PRODUCT', required: false },
    ]);
    const mr = types.find((t: { code: string }) => t.code === 'MR-DN');
    expect(mr.targetColumns).toEqual([
      { key: 'HCM_ADMIN_CONSOLE_TARGET', beneficiaryType: 'INDIVIDUAL', required: true },
      { key: 'HCM_ADMIN_CONSOLE_TARGET_SMC_AGE_12_TO_59', beneficiaryType: 'INDIVIDUAL', required: false },
    ]);
  });

  it('filters by unique identifier and requires the tenant', async () => {
    const res = await http.post(
      '/egov-mdms-service/v2/_search',
      envelope({
        MdmsCriteria: {
          tenantId: TENANT,
          schemaCode: PROJECT_TYPE_SCHEMA_CODE,
          uniqueIdentifiers: ['MR-DN'],
        },
      }),
    );
    expect(res.data.mdms.map((m: { uniqueIdentifier: string }) => m.uniqueIdentifier)).toEqual(['MR-DN']);
    const bad = await http.post(
      '/egov-mdms-service/v2/_search',
      envelope({ MdmsCriteria: { schemaCode: 'x' } }),
    );
    expect(bad.status).toBe(400);
    expectErrorEnvelope(bad.data);
  });
});

describe('filestore', () => {
  it('stores an upload and serves its bytes through the returned url', async () => {
    const bytes = Buffer.from('sheet bytes \u0001\u0002');
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), 'facility.xlsx');
    form.append('tenantId', TENANT);
    form.append('module', 'HCM-ADMIN-CONSOLE');
    const upload = await http.post('/filestore/v1/files', form);
    expect(upload.status).toBe(201);
    const id = upload.data.files[0].fileStoreId as string;
    expect(upload.data.files[0].tenantId).toBe(TENANT);
    const urls = await http.get(`/filestore/v1/files/url?tenantId=${TENANT}&fileStoreIds=${id},unknown-id`);
    expect(urls.status).toBe(200);
    expect(urls.data.fileStoreIds).toHaveLength(1);
    expect(urls.data.fileStoreIds[0].id).toBe(id);
    const download = await http.get(urls.data.fileStoreIds[0].url, { responseType: 'arraybuffer' });
    expect(download.status).toBe(200);
    expect(Buffer.from(download.data).equals(bytes)).toBe(true);
  });

  it('rejects an upload without tenantId', async () => {
    const form = new FormData();
    form.append('file', new Blob(['x']), 'a.xlsx');
    form.append('module', 'HCM-ADMIN-CONSOLE');
    const res = await http.post('/filestore/v1/files', form);
    expect(res.status).toBe(400);
    expectErrorEnvelope(res.data);
  });
});

describe('project service', () => {
  it('creates a single project and one with a parent, and searches them', async () => {
    const parentEntry = sim.hierarchy.byCode.get(locality);
    const parentCode = parentEntry?.parent ?? '';
    const parent = await createProject(parentCode, 'ADMINISTRATIVE_POST');
    const res = await http.post(
      '/health-project/v1/_create',
      envelope({ Projects: projectPayload(locality, 'LOCALITY', { parent: parent.id }) }),
    );
    expect(res.status).toBe(200);
    expectSuccess(res.data);
    const child = res.data.Project[0];
    expect(child).toMatchObject({
      tenantId: TENANT,
      referenceID: 'CMP-2026-11-21-000001',
      parent: parent.id,
      projectHierarchy: `${parent.id}.${child.id}`,
      address: { boundary: locality, boundaryType: 'LOCALITY' },
      isDeleted: false,
      auditDetails: { createdBy: USER_UUID },
    });
    expect(child.targets[0]).toMatchObject({
      beneficiaryType: 'HOUSEHOLD',
      targetNo: 120,
      id: expect.any(String),
    });

    const byBoundary = await http.post(
      `/health-project/v1/_search?tenantId=${TENANT}&offset=0&limit=10`,
      envelope({
        Projects: [
          { tenantId: TENANT, referenceID: 'CMP-2026-11-21-000001', address: { boundary: locality } },
        ],
      }),
    );
    expect(byBoundary.status).toBe(200);
    expect(byBoundary.data.Project.map((p: { id: string }) => p.id)).toEqual([child.id]);
    expect(byBoundary.data.TotalCount).toBe(1);

    const byId = await http.post(
      `/health-project/v1/_search?tenantId=${TENANT}&offset=0&limit=10&includeDescendants=true`,
      envelope({ Projects: [{ tenantId: TENANT, id: parent.id }] }),
    );
    expect(byId.data.Project[0].descendants.map((p: { id: string }) => p.id)).toEqual([child.id]);

    const page = await http.post(
      `/health-project/v1/_search?tenantId=${TENANT}&offset=1&limit=1`,
      envelope({ Projects: [{ tenantId: TENANT, referenceID: 'CMP-2026-11-21-000001' }] }),
    );
    expect(page.data.TotalCount).toBe(2);
    expect(page.data.Project.map((p: { id: string }) => p.id)).toEqual([child.id]);
  });

  it('answers a project search a page of at most 200 projects whatever its limit, with TotalCount of all', async () => {
    const localities = sim.hierarchy.codesByType.get('LOCALITY') ?? [];
    const created = await http.post(
      '/health-project/v1/_create',
      envelope({
        Projects: [...localities, ...localities, ...localities].map((code) =>
          projectPayload(code, 'LOCALITY'),
        ),
      }),
    );
    expect(created.data.Project).toHaveLength(300);
    expect((await sim.client.behaviour()).project.searchPageMax).toBe(200);
    const search = (offset: number, limit: number) =>
      http.post(
        `/health-project/v1/_search?tenantId=${TENANT}&offset=${offset}&limit=${limit}`,
        envelope({ Projects: [{ tenantId: TENANT, referenceID: 'CMP-2026-11-21-000001' }] }),
      );

    const first = await search(0, 1000);
    expect(first.data.Project).toHaveLength(200);
    expect(first.data.TotalCount).toBe(300);
    const second = await search(200, 1000);
    expect(second.data.Project).toHaveLength(100);
    const ids = new Set([...first.data.Project, ...second.data.Project].map((p: { id: string }) => p.id));
    expect(ids.size).toBe(300);

    const tooMany = await search(0, 1001);
    expect(tooMany.status).toBe(400);

    await sim.client.setBehaviour({ project: { searchPageMax: null } });
    expect((await search(0, 1000)).data.Project).toHaveLength(300);
  });

  it('creates many projects in one call', async () => {
    const leaves = sim.hierarchy.codesByType.get('LOCALITY')?.slice(0, 5) ?? [];
    const res = await http.post(
      '/health-project/v1/_create',
      envelope({ Projects: leaves.map((code) => projectPayload(code, 'LOCALITY')) }),
    );
    expect(res.status).toBe(200);
    expect(res.data.Project.map((p: { address: { boundary: string } }) => p.address.boundary)).toEqual(
      leaves,
    );
    expect((await sim.client.counts()).projects).toBe(5);
  });

  it('rejects an unknown parent, an unknown boundary and a missing search limit', async () => {
    const unknownParent = await http.post(
      '/health-project/v1/_create',
      envelope({ Projects: [projectPayload(locality, 'LOCALITY', { parent: 'no-such-project' })] }),
    );
    expect(unknownParent.status).toBe(400);
    expect(errorCodes(unknownParent.data)).toEqual(['INVALID_PARENT_PROJECT']);
    const unknownBoundary = await http.post(
      '/health-project/v1/_create',
      envelope({ Projects: [projectPayload('NOWHERE', 'LOCALITY')] }),
    );
    expect(unknownBoundary.status).toBe(400);
    expect(errorCodes(unknownBoundary.data)).toEqual(['BOUNDARY_SERVICE_SEARCH_ERROR']);
    const noType = await http.post(
      '/health-project/v1/_create',
      envelope({ Projects: [projectPayload(locality, 'LOCALITY', { address: { boundary: locality } })] }),
    );
    expect(errorCodes(noType.data)).toEqual(['BOUNDARY']);
    const noLimit = await http.post(
      `/health-project/v1/_search?tenantId=${TENANT}&offset=0`,
      envelope({ Projects: [{ tenantId: TENANT, id: 'x' }] }),
    );
    expect(noLimit.status).toBe(400);
    expect(errorCodes(noLimit.data)).toEqual(['SEARCH_PROJECT.LIMIT']);
    expect((await sim.client.counts()).projects).toBe(0);
  });

  it('updates targets, parent and deletion', async () => {
    const project = await createProject(locality, 'LOCALITY');
    const other = await createProject(district, 'DISTRICT');
    const search = await http.post(
      `/health-project/v1/_search?tenantId=${TENANT}&offset=0&limit=1`,
      envelope({ Projects: [{ tenantId: TENANT, id: project.id }] }),
    );
    const stored = search.data.Project[0];
    const update = await http.post(
      '/health-project/v1/_update',
      envelope({
        Projects: [
          {
            ...stored,
            parent: other.id,
            targets: [
              { ...stored.targets[0], targetNo: 300 },
              { beneficiaryType: 'INDIVIDUAL', targetNo: 50 },
            ],
          },
        ],
      }),
    );
    expect(update.status).toBe(200);
    const updated = update.data.Project[0];
    expect(updated.parent).toBe(other.id);
    expect(updated.projectHierarchy).toBe(`${other.id}.${project.id}`);
    expect(updated.targets.map((t: { targetNo: number }) => t.targetNo)).toEqual([300, 50]);
    expect(updated.targets[0].id).toBe(stored.targets[0].id);

    const unknown = await http.post(
      '/health-project/v1/_update',
      envelope({ Projects: [{ ...stored, id: 'nope' }] }),
    );
    expect(unknown.status).toBe(400);
    expect(errorCodes(unknown.data)).toEqual(['INVALID_PROJECT_MODIFY']);

    const deleted = await http.post(
      '/health-project/v1/_update',
      envelope({ Projects: [{ ...updated, isDeleted: true }] }),
    );
    expect(deleted.status).toBe(200);
    const after = await http.post(
      `/health-project/v1/_search?tenantId=${TENANT}&offset=0&limit=10`,
      envelope({ Projects: [{ tenantId: TENANT, address: { boundary: locality } }] }),
    );
    expect(after.data.Project).toEqual([]);
  });
});

describe('facility service', () => {
  it('creates a facility and finds it by name and by ids', async () => {
    const facility = await createFacility('Central Warehouse');
    expect(facility.id).toMatch(/^F-\d{4}-\d{2}-\d{2}-\d{6}$/);
    const byName = await http.post(
      `/facility/v1/_search?tenantId=${TENANT}&limit=10&offset=0`,
      envelope({ Facility: { name: 'Central Warehouse' } }),
    );
    expect(byName.status).toBe(200);
    expectSuccess(byName.data);
    expect(byName.data.Facilities.map((f: { id: string }) => f.id)).toEqual([facility.id]);
    const byIds = await http.post(
      `/facility/v1/_search?tenantId=${TENANT}&limit=10&offset=0`,
      envelope({ Facility: { id: [facility.id, 'F-missing'] } }),
    );
    expect(byIds.data.Facilities).toHaveLength(1);
    expect(byIds.data.Facilities[0]).toMatchObject({
      name: 'Central Warehouse',
      usage: 'Warehouse',
      storageCapacity: 500,
    });
  });

  it('rejects an unknown boundary and a search without paging', async () => {
    const res = await http.post(
      '/facility/v1/_create',
      envelope({ Facility: { tenantId: TENANT, name: 'x', address: { locality: { code: 'NOWHERE' } } } }),
    );
    expect(res.status).toBe(400);
    expect(errorCodes(res.data)).toEqual(['NON_EXISTENT_ENTITY']);
    const search = await http.post(`/facility/v1/_search?tenantId=${TENANT}`, envelope({ Facility: {} }));
    expect(search.status).toBe(400);
    expectErrorEnvelope(search.data);
  });
});

describe('HRMS', () => {
  it('creates a batch, generating codes and user uuids, without returning passwords', async () => {
    const res = await http.post(
      '/health-hrms/employees/_create',
      envelope({
        Employees: [
          employeePayload('7000000001', locality, 'LOCALITY'),
          employeePayload('7000000002', district, 'DISTRICT', { code: 'supervisor-1' }),
        ],
      }),
    );
    expect(res.status).toBe(200);
    expectSuccess(res.data);
    const [first, second] = res.data.Employees;
    expect(first.code).toMatch(/^EMP-MZ-\d{6}$/);
    expect(second.code).toBe('supervisor-1');
    expect(first.user).toMatchObject({ mobileNumber: '7000000001', password: null, tenantId: TENANT });
    expect(first.user.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.user.userServiceUuid).toBe(first.user.uuid);
    expect(first.jurisdictions[0]).toMatchObject({
      boundary: locality,
      boundaryType: 'LOCALITY',
      hierarchy: 'ADMIN',
    });
  });

  it('searches by phone, codes and uuids', async () => {
    const employee = await createEmployee('7000000003');
    const byPhone = await http.post(
      `/health-hrms/employees/_search?tenantId=${TENANT}&phone=7000000003`,
      envelope(),
    );
    expect(byPhone.status).toBe(200);
    expect(byPhone.data.Employees.map((e: { code: string }) => e.code)).toEqual([employee.code]);
    const byCode = await http.post(
      `/health-hrms/employees/_search?tenantId=${TENANT}&codes=${employee.code}`,
      envelope(),
    );
    expect(byCode.data.Employees).toHaveLength(1);
    const byUuid = await http.post(
      `/health-hrms/employees/_search?tenantId=${TENANT}&uuids=${employee.user.uuid}`,
      envelope(),
    );
    expect(byUuid.data.Employees[0].user.mobileNumber).toBe('7000000003');
    const none = await http.post(
      `/health-hrms/employees/_search?tenantId=${TENANT}&phone=7999999999`,
      envelope(),
    );
    expect(none.data.Employees).toEqual([]);
  });

  it('fails the whole batch when one phone already exists, storing none of it', async () => {
    await createEmployee('7000000004');
    const res = await http.post(
      '/health-hrms/employees/_create',
      envelope({
        Employees: [
          employeePayload('7000000005', locality, 'LOCALITY'),
          employeePayload('7000000004', locality, 'LOCALITY'),
        ],
      }),
    );
    expect(res.status).toBe(400);
    expect(errorCodes(res.data)).toEqual(['ERR_HRMS_USER_EXIST_MOB']);
    expect((await sim.client.counts()).employees).toBe(1);
    expect((await sim.client.employees({ phone: '7000000005' })).total).toBe(0);
  });

  it('rejects invalid employees', async () => {
    const res = await http.post(
      '/health-hrms/employees/_create',
      envelope({
        Employees: [
          employeePayload('12345', locality, 'LOCALITY'),
          employeePayload('7000000006', 'NOWHERE', 'LOCALITY', { employeeType: 'FOREVER' }),
          {
            ...employeePayload('7000000007', locality, 'LOCALITY'),
            user: { name: 'x', mobileNumber: '7000000007', roles: [] },
          },
          employeePayload('7000000008', locality, 'LOCALITY'),
          employeePayload('7000000008', locality, 'LOCALITY'),
        ],
      }),
    );
    expect(res.status).toBe(400);
    expect(errorCodes(res.data).sort()).toEqual(
      [
        'ERR_HRMS_BULK_CREATE_DUPLICATE_MOBILE',
        'ERR_HRMS_INVALID_EMP_TYPE',
        'ERR_HRMS_INVALID_JURISDICTION_BOUNDARY',
        'ERR_HRMS_INVALID_MOB_NO',
        'ERR_HRMS_MISSING_ROLES',
      ].sort(),
    );
    expect((await sim.client.counts()).employees).toBe(0);
  });
});

describe('project mappings', () => {
  it('creates, searches and bulk-deletes staff, facility and resource mappings', async () => {
    const project = await createProject(locality, 'LOCALITY');
    const employee = await createEmployee('7100000001');
    const facility = await createFacility('Mapped Facility');
    const variant = sim.productVariants[0]?.id ?? '';

    const staff = await http.post(
      '/health-project/staff/v1/_create',
      envelope({
        ProjectStaff: {
          tenantId: TENANT,
          projectId: project.id,
          userId: employee.user.uuid,
          startDate: 1,
          endDate: 2,
        },
      }),
    );
    expect(staff.status).toBe(200);
    expectSuccess(staff.data);
    expect(staff.data.ProjectStaff).toMatchObject({
      projectId: project.id,
      userId: employee.user.uuid,
      id: expect.any(String),
    });

    const pf = await http.post(
      '/health-project/facility/v1/_create',
      envelope({ ProjectFacility: { tenantId: TENANT, projectId: project.id, facilityId: facility.id } }),
    );
    expect(pf.status).toBe(200);
    expect(pf.data.ProjectFacility).toMatchObject({ projectId: project.id, facilityId: facility.id });

    const pr = await http.post(
      '/health-project/resource/v1/_create',
      envelope({
        ProjectResource: {
          tenantId: TENANT,
          projectId: project.id,
          resource: { productVariantId: variant, type: 'DRUG', isBaseUnitVariant: true },
          startDate: 1,
          endDate: 2,
        },
      }),
    );
    expect(pr.status).toBe(200);
    expect(pr.data.ProjectResource.resource.productVariantId).toBe(variant);

    const paging = `tenantId=${TENANT}&limit=100&offset=0`;
    const staffSearch = await http.post(
      `/health-project/staff/v1/_search?${paging}`,
      envelope({ ProjectStaff: { projectId: [project.id], staffId: [employee.user.uuid] } }),
    );
    expect(staffSearch.status).toBe(200);
    expect(staffSearch.data.ProjectStaff.map((s: { id: string }) => s.id)).toEqual([
      staff.data.ProjectStaff.id,
    ]);
    const pfSearch = await http.post(
      `/health-project/facility/v1/_search?${paging}`,
      envelope({ ProjectFacility: { facilityId: [facility.id] } }),
    );
    expect(pfSearch.data.ProjectFacilities.map((s: { id: string }) => s.id)).toEqual([
      pf.data.ProjectFacility.id,
    ]);
    const prSearch = await http.post(
      `/health-project/resource/v1/_search?${paging}`,
      envelope({ ProjectResource: { projectId: [project.id] } }),
    );
    expect(prSearch.data.ProjectResources).toHaveLength(1);

    const deletion = await http.post(
      '/health-project/staff/v1/bulk/_delete',
      envelope({ ProjectStaff: staffSearch.data.ProjectStaff }),
    );
    expect(deletion.status).toBe(202);
    expectSuccess(deletion.data);
    expect(Object.keys(deletion.data)).toEqual(['ResponseInfo']);
    const afterDelete = await http.post(
      `/health-project/staff/v1/_search?${paging}`,
      envelope({ ProjectStaff: { projectId: [project.id] } }),
    );
    expect(afterDelete.data.ProjectStaff).toEqual([]);
    const pfDelete = await http.post(
      '/health-project/facility/v1/bulk/_delete',
      envelope({ ProjectFacilities: [pf.data.ProjectFacility] }),
    );
    expect(pfDelete.status).toBe(202);
    expect((await sim.client.counts()).projectFacilities).toBe(0);
  });

  it('rejects unknown projects, users, facilities and product variants, and an existing pair', async () => {
    const project = await createProject(locality, 'LOCALITY');
    const employee = await createEmployee('7100000002');
    const unknownProject = await http.post(
      '/health-project/staff/v1/_create',
      envelope({ ProjectStaff: { tenantId: TENANT, projectId: 'nope', userId: employee.user.uuid } }),
    );
    expect(unknownProject.status).toBe(400);
    expect(errorCodes(unknownProject.data)).toEqual(['NON_EXISTENT_RELATED_ENTITY']);
    const unknownUser = await http.post(
      '/health-project/staff/v1/_create',
      envelope({ ProjectStaff: { tenantId: TENANT, projectId: project.id, userId: 'nobody' } }),
    );
    expect(errorCodes(unknownUser.data)).toEqual(['NON_EXISTENT_RELATED_ENTITY']);
    const unknownFacility = await http.post(
      '/health-project/facility/v1/_create',
      envelope({ ProjectFacility: { tenantId: TENANT, projectId: project.id, facilityId: 'F-none' } }),
    );
    expect(errorCodes(unknownFacility.data)).toEqual(['NON_EXISTENT_RELATED_ENTITY']);
    const unknownVariant = await http.post(
      '/health-project/resource/v1/_create',
      envelope({
        ProjectResource: {
          tenantId: TENANT,
          projectId: project.id,
          resource: { productVariantId: 'PVAR-none' },
        },
      }),
    );
    expect(errorCodes(unknownVariant.data)).toEqual(['NON_EXISTENT_RELATED_ENTITY']);
    const mapping = { ProjectStaff: { tenantId: TENANT, projectId: project.id, userId: employee.user.uuid } };
    expect((await http.post('/health-project/staff/v1/_create', envelope(mapping))).status).toBe(200);
    const again = await http.post('/health-project/staff/v1/_create', envelope(mapping));
    expect(again.status).toBe(400);
    expect(errorCodes(again.data)).toEqual(['DUPLICATE_ENTITY']);
    const missing = await http.post(
      '/health-project/staff/v1/_create',
      envelope({ ProjectStaff: { tenantId: TENANT } }),
    );
    expect(missing.status).toBe(400);
    expect(errorCodes(missing.data).length).toBe(2);
    expect((await sim.client.counts()).projectStaff).toBe(1);
  });
});

describe('product variants and idgen', () => {
  it('finds product variants by id', async () => {
    const ids = sim.productVariants.slice(0, 2).map((v) => v.id);
    expect(ids[0]).toBe('PVAR-2026-01-01-000001');
    const res = await http.post(
      `/product/variant/v1/_search?tenantId=${TENANT}&limit=10&offset=0`,
      envelope({ ProductVariant: { id: [...ids, 'PVAR-none'] } }),
    );
    expect(res.status).toBe(200);
    expectSuccess(res.data);
    expect(res.data.ProductVariant.map((v: { id: string }) => v.id)).toEqual(ids);
  });

  it('generates ids from a format with a sequence per idName', async () => {
    const request = (idName: string) => ({
      idName,
      tenantId: TENANT,
      format: 'CMP-[cy:yyyy-MM-dd]-[SEQ_EG_CMP_ID]',
    });
    const res = await http.post(
      '/egov-idgen/id/_generate',
      envelope({
        idRequests: [request('campaign.number'), request('campaign.number'), request('other.number')],
      }),
    );
    expect(res.status).toBe(200);
    expectSuccess(res.data);
    const today = new Date().toISOString().slice(0, 10);
    expect(res.data.idResponses.map((r: { id: string }) => r.id)).toEqual([
      `CMP-${today}-000001`,
      `CMP-${today}-000002`,
      `CMP-${today}-000001`,
    ]);
    const bad = await http.post('/egov-idgen/id/_generate', envelope({ idRequests: [{ idName: 'x' }] }));
    expect(bad.status).toBe(400);
    expectErrorEnvelope(bad.data);
  });
});
