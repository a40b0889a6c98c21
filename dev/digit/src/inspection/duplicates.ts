// What must never exist twice: two employees with one phone, two active projects with one boundary and
// reference, two facilities with one name in a tenant, two active mappings of one pair.
import type { SimulatorState } from '../state/simulator-state.ts';
import type { MappingStore } from '../state/mappings.ts';

export interface DuplicateReport {
  employeesByPhone: Array<{ tenantId: string; phone: string; ids: string[] }>;
  projectsByBoundaryAndReference: Array<{
    tenantId: string;
    boundary: string;
    referenceID: string;
    ids: string[];
  }>;
  facilitiesByName: Array<{ tenantId: string; name: string; ids: string[] }>;
  projectStaff: Array<{ projectId: string; userId: string; ids: string[] }>;
  projectFacilities: Array<{ projectId: string; facilityId: string; ids: string[] }>;
  projectResources: Array<{ projectId: string; productVariantId: string; ids: string[] }>;
  /** Number of groups over all kinds; 0 when nothing exists twice. */
  total: number;
}

export function findDuplicates(state: SimulatorState): DuplicateReport {
  const employeesByPhone: DuplicateReport['employeesByPhone'] = [];
  for (const [, records] of state.employees.byPhone.groupsOfMany()) {
    const first = records[0]?.data;
    if (!first) continue;
    employeesByPhone.push({
      tenantId: first.tenantId,
      phone: first.user.mobileNumber,
      ids: records.map((r) => r.data.user.uuid),
    });
  }
  const projectsByBoundaryAndReference: DuplicateReport['projectsByBoundaryAndReference'] = [];
  for (const [, records] of state.projects.byReferenceAndBoundary.groupsOfMany()) {
    const first = records[0]?.data;
    if (!first) continue;
    projectsByBoundaryAndReference.push({
      tenantId: first.tenantId,
      boundary: first.address?.boundary ?? '',
      referenceID: first.referenceID ?? '',
      ids: records.map((r) => r.data.id),
    });
  }
  const facilitiesByName: DuplicateReport['facilitiesByName'] = [];
  for (const [, records] of state.facilities.byName.groupsOfMany()) {
    const active = records.filter((r) => !r.data.isDeleted);
    const first = active[0]?.data;
    if (!first || active.length < 2) continue;
    facilitiesByName.push({ tenantId: first.tenantId, name: first.name, ids: active.map((r) => r.data.id) });
  }
  const projectStaff = pairs(state.projectStaff).map(([projectId, userId, ids]) => ({
    projectId,
    userId,
    ids,
  }));
  const projectFacilities = pairs(state.projectFacilities).map(([projectId, facilityId, ids]) => ({
    projectId,
    facilityId,
    ids,
  }));
  const projectResources = pairs(state.projectResources).map(([projectId, productVariantId, ids]) => ({
    projectId,
    productVariantId,
    ids,
  }));
  const total =
    employeesByPhone.length +
    projectsByBoundaryAndReference.length +
    facilitiesByName.length +
    projectStaff.length +
    projectFacilities.length +
    projectResources.length;
  return {
    employeesByPhone,
    projectsByBoundaryAndReference,
    facilitiesByName,
    projectStaff,
    projectFacilities,
    projectResources,
    total,
  };
}

function pairs(store: MappingStore): Array<[string, string, string[]]> {
  const found: Array<[string, string, string[]]> = [];
  for (const [, records] of store.byPair.groupsOfMany()) {
    const first = records[0]?.data;
    if (first) found.push([first.projectId, store.other(first), records.map((r) => r.data.id)]);
  }
  return found;
}
