import type { EmployeePayload, FacilityPayload, ProjectPayload } from './entities.ts';

// What DIGIT pushes to Kafka to save an item it creates: the item as sent, enriched with what the service
// adds (ids, audit details, row versions; HRMS also the user the user service made). A request's enriched
// items go in one message beside its RequestInfo, and that message's 1 MiB bound (see bulk.ts) is what
// limits how many items a request may carry: an enriched mapping is more than twice the size of the mapping
// sent, an enriched employee three times. Every added field takes its longest form, so the sizes of these
// forms bound the real ones from above; the simulator's contract tests hold them against what it pushes.

/** An id as long as a UUID, the longest form DIGIT's ids take (idgen's formatted ids are shorter). */
const ID = '00000000-0000-0000-0000-000000000000';
/** A time in epoch milliseconds with as many digits as any until the year 2286. */
const TIME = 9_999_999_999_999;
/** The user service's numeric user id, at the most digits a sequence gives for years. */
const USER_ID = 9_999_999_999;

const AUDIT_DETAILS = { createdBy: ID, lastModifiedBy: ID, createdTime: TIME, lastModifiedTime: TIME };

/** What a health service adds to each entity it saves. */
const SAVED_ENTITY = { id: ID, isDeleted: false, rowVersion: 1, auditDetails: AUDIT_DETAILS };

/** A project mapping (staff, facility or resource) as the project service saves it. */
export function savedMapping(payload: Record<string, unknown>): Record<string, unknown> {
  return { ...payload, ...SAVED_ENTITY };
}

/**
 * A facility as the facility service saves it: its id comes from idgen, and its address gets a UUID and a
 * tenant as well (FacilityEnrichmentService).
 */
export function savedFacility(payload: FacilityPayload): Record<string, unknown> {
  return {
    ...payload,
    ...SAVED_ENTITY,
    clientReferenceId: payload.clientReferenceId ?? null,
    address: { ...payload.address, id: ID, tenantId: payload.address.tenantId },
    additionalFields: null,
  };
}

/**
 * A project as the project service saves it, `depth` levels below the top of its tree (1 for a root): its
 * hierarchy names the ids of its ancestors and its own, and each target gets an id and audit details.
 */
export function savedProject(payload: ProjectPayload, depth: number): Record<string, unknown> {
  return {
    ...payload,
    ...SAVED_ENTITY,
    projectNumber: ID,
    projectTypeId: null,
    projectSubType: payload.projectSubType ?? null,
    department: null,
    description: payload.description ?? null,
    projectHierarchy: Array.from({ length: Math.max(1, depth) }, () => ID).join('.'),
    natureOfWork: null,
    address: { ...payload.address, id: ID, projectId: ID },
    isTaskEnabled: false,
    targets: payload.targets.map((target) => ({
      ...target,
      id: ID,
      totalNo: null,
      isDeleted: false,
      auditDetails: AUDIT_DETAILS,
    })),
    documents: [],
    additionalDetails: payload.additionalDetails ?? null,
  };
}

/**
 * An employee as HRMS saves it: ids for the employee and each jurisdiction, the lists HRMS fills with empty
 * ones, and the user the user service made in place of the one sent (its password blanked).
 */
export function savedEmployee(payload: EmployeePayload): Record<string, unknown> {
  return {
    ...payload,
    id: USER_ID,
    uuid: ID,
    employeeStatus: 'EMPLOYED',
    dateOfAppointment: null,
    jurisdictions: payload.jurisdictions.map((jurisdiction) => ({
      ...jurisdiction,
      id: ID,
      isActive: true,
      auditDetails: AUDIT_DETAILS,
    })),
    assignments: [],
    serviceHistory: [],
    education: [],
    tests: [],
    documents: [],
    deactivationDetails: [],
    reactivationDetails: [],
    isActive: true,
    user: {
      ...payload.user,
      id: USER_ID,
      uuid: ID,
      userServiceUuid: ID,
      password: null,
      type: 'EMPLOYEE',
      active: true,
    },
    auditDetails: AUDIT_DETAILS,
  };
}
