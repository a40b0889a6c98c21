// Puts entities straight into the store, bypassing the services' validation: for tests that need a state
// the services would refuse to produce (an existing employee with a taken phone, a stray mapping, ...).
// Planted entities are visible at once.
import { randomUUID } from 'node:crypto';
import { DEFAULT_TENANT } from '@campaign-pipeline/shared';
import type { Employee } from '../state/employees.ts';
import type { Facility } from '../state/facilities.ts';
import type { Mapping, MappingStore } from '../state/mappings.ts';
import type { Project } from '../state/projects.ts';
import type { SimulatorState } from '../state/simulator-state.ts';

export interface PlantRequest {
  employees?: Array<{ tenantId?: string; phone: string; name?: string; code?: string; roles?: string[] }>;
  projects?: Array<{
    tenantId?: string;
    boundary: string;
    boundaryType?: string;
    referenceID?: string;
    parent?: string | null;
    name?: string;
    projectType?: string;
  }>;
  facilities?: Array<{ tenantId?: string; name: string; usage?: string; boundary?: string }>;
  projectStaff?: Array<{ tenantId?: string; projectId: string; userId: string }>;
  projectFacilities?: Array<{ tenantId?: string; projectId: string; facilityId: string }>;
  projectResources?: Array<{ tenantId?: string; projectId: string; productVariantId: string }>;
}

export interface PlantResult {
  employees: string[];
  projects: string[];
  facilities: string[];
  projectStaff: string[];
  projectFacilities: string[];
  projectResources: string[];
}

const PLANTER = 'simulator-plant';

export function plant(state: SimulatorState, request: PlantRequest): PlantResult {
  const now = Date.now();
  const audit = { createdBy: PLANTER, lastModifiedBy: PLANTER, createdTime: now, lastModifiedTime: now };
  const employees = (request.employees ?? []).map((spec) => {
    const tenantId = spec.tenantId ?? DEFAULT_TENANT;
    const id = state.employees.allocateId();
    const uuid = randomUUID();
    const code = spec.code ?? `EMP-PLANTED-${id}`;
    const employee: Employee = {
      id,
      uuid,
      code,
      tenantId,
      employeeStatus: 'EMPLOYED',
      employeeType: 'TEMPORARY',
      dateOfAppointment: null,
      jurisdictions: [],
      assignments: [],
      serviceHistory: [],
      education: [],
      tests: [],
      documents: [],
      deactivationDetails: [],
      reactivationDetails: [],
      isActive: true,
      user: {
        id,
        uuid,
        userServiceUuid: uuid,
        userName: code,
        name: spec.name ?? `Planted ${id}`,
        mobileNumber: spec.phone,
        password: null,
        type: 'EMPLOYEE',
        active: true,
        tenantId,
        roles: (spec.roles ?? ['DISTRIBUTOR']).map((role) => ({ name: role, code: role, tenantId })),
      },
      auditDetails: audit,
    };
    state.employees.add({ data: employee, visibleAt: now });
    return uuid;
  });
  const projects = (request.projects ?? []).map((spec) => {
    const tenantId = spec.tenantId ?? DEFAULT_TENANT;
    const id = randomUUID();
    const parent = spec.parent ?? null;
    const parentHierarchy = parent ? state.projects.get(parent)?.data.projectHierarchy : undefined;
    const project: Project = {
      id,
      tenantId,
      projectNumber: `PJT-PLANTED-${state.ids.next('plant.project')}`,
      name: spec.name ?? spec.boundary,
      projectType: spec.projectType ?? null,
      projectTypeId: null,
      projectSubType: null,
      department: null,
      description: null,
      referenceID: spec.referenceID ?? null,
      projectHierarchy: parentHierarchy ? `${parentHierarchy}.${id}` : id,
      natureOfWork: null,
      address: {
        id: randomUUID(),
        tenantId,
        projectId: id,
        boundary: spec.boundary,
        boundaryType: spec.boundaryType ?? state.boundary(tenantId, spec.boundary)?.boundaryType ?? null,
      },
      startDate: null,
      endDate: null,
      isTaskEnabled: false,
      parent,
      targets: [],
      documents: [],
      additionalDetails: null,
      isDeleted: false,
      rowVersion: 1,
      auditDetails: audit,
    };
    state.projects.add({ data: project, visibleAt: now });
    return id;
  });
  const facilities = (request.facilities ?? []).map((spec) => {
    const tenantId = spec.tenantId ?? DEFAULT_TENANT;
    const id = `F-PLANTED-${state.ids.next('plant.facility')}`;
    const facility: Facility = {
      id,
      tenantId,
      clientReferenceId: null,
      isPermanent: true,
      name: spec.name,
      usage: spec.usage ?? 'Warehouse',
      storageCapacity: null,
      address: spec.boundary ? { tenantId, locality: { code: spec.boundary } } : null,
      additionalFields: null,
      isDeleted: false,
      rowVersion: 1,
      auditDetails: audit,
    };
    state.facilities.add({ data: facility, visibleAt: now });
    return id;
  });
  const mapping = (
    store: MappingStore,
    tenantId: string | undefined,
    projectId: string,
    fields: Record<string, unknown>,
  ): string => {
    const data: Mapping = {
      ...fields,
      id: randomUUID(),
      tenantId: tenantId ?? DEFAULT_TENANT,
      projectId,
      isDeleted: false,
      rowVersion: 1,
      auditDetails: audit,
    };
    store.add({ data, visibleAt: now });
    return data.id;
  };
  return {
    employees,
    projects,
    facilities,
    projectStaff: (request.projectStaff ?? []).map((s) =>
      mapping(state.projectStaff, s.tenantId, s.projectId, { userId: s.userId }),
    ),
    projectFacilities: (request.projectFacilities ?? []).map((s) =>
      mapping(state.projectFacilities, s.tenantId, s.projectId, { facilityId: s.facilityId }),
    ),
    projectResources: (request.projectResources ?? []).map((s) =>
      mapping(state.projectResources, s.tenantId, s.projectId, {
        resource: { productVariantId: s.productVariantId, type: 'DRUG', isBaseUnitVariant: true },
      }),
    ),
  };
}
