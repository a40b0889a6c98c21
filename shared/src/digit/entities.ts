import type { RequestInfo } from './envelope.ts';
import type { DigitClients } from './services.ts';

// Typed calls to the DIGIT services the workers write to: projects, facilities, employees and mappings.

export interface ProjectTargetPayload {
  /** Set on targets DIGIT already holds: an update names them to change them. */
  id?: string;
  beneficiaryType: string;
  targetNo: number;
  isDeleted?: boolean;
}

export interface ProjectPayload {
  tenantId: string;
  projectType: string;
  projectSubType?: string;
  startDate: number;
  endDate: number;
  name: string;
  description?: string;
  referenceID: string;
  address: { tenantId: string; boundary: string; boundaryType: string };
  parent: string | null;
  targets: ProjectTargetPayload[];
  additionalDetails?: Record<string, unknown>;
}

export interface DigitProject extends ProjectPayload {
  id: string;
  isDeleted?: boolean;
  rowVersion?: number;
}

/** Largest page the project, facility and mapping searches are asked for. */
export const SEARCH_PAGE = 1000;

function writeProjects(
  digit: DigitClients,
  requestInfo: RequestInfo,
  action: '_create' | '_update',
  projects: () => (ProjectPayload | DigitProject)[],
): Promise<DigitProject[]> {
  return digit.project
    .write<{ Project?: DigitProject[] }>(`/health-project/v1/${action}`, requestInfo, () => ({
      Projects: projects(),
    }))
    .then((answer) => answer.Project ?? []);
}

/** Creates the projects `projects` makes, made once the create holds its call slot (see WriteBody). */
export function createProjects(
  digit: DigitClients,
  requestInfo: RequestInfo,
  projects: () => ProjectPayload[],
): Promise<DigitProject[]> {
  return writeProjects(digit, requestInfo, '_create', projects);
}

export function updateProjects(
  digit: DigitClients,
  requestInfo: RequestInfo,
  projects: DigitProject[],
): Promise<DigitProject[]> {
  return writeProjects(digit, requestInfo, '_update', () => projects);
}

/** Projects matching any of the criteria, all pages. */
function searchProjects(
  digit: DigitClients,
  requestInfo: RequestInfo,
  tenantId: string,
  criteria: Record<string, unknown>[],
  options: { includeDeleted?: boolean } = {},
): Promise<DigitProject[]> {
  return allPages(async (offset) => {
    const answer = await digit.project.post<{ Project?: DigitProject[]; TotalCount?: number }>(
      '/health-project/v1/_search',
      requestInfo,
      { Projects: criteria },
      { tenantId, limit: SEARCH_PAGE, offset, ...options },
    );
    return { items: answer.Project ?? [], total: answer.TotalCount };
  });
}

/** Projects of a campaign (referenceID) at the given boundaries, all pages. */
export function searchCampaignProjects(
  digit: DigitClients,
  requestInfo: RequestInfo,
  tenantId: string,
  referenceID: string,
  boundaries: readonly string[],
): Promise<DigitProject[]> {
  const criteria = boundaries.map((boundary) => ({ tenantId, referenceID, address: { boundary } }));
  return searchProjects(digit, requestInfo, tenantId, criteria);
}

/** Projects by id, including deleted (deactivated) ones, all pages. */
export function searchProjectsById(
  digit: DigitClients,
  requestInfo: RequestInfo,
  tenantId: string,
  ids: readonly string[],
): Promise<DigitProject[]> {
  const criteria = ids.map((id) => ({ tenantId, id }));
  return searchProjects(digit, requestInfo, tenantId, criteria, { includeDeleted: true });
}

export interface FacilityPayload {
  tenantId: string;
  /** The client's own id of the facility, which a search finds it by (DIGIT's offline search model). */
  clientReferenceId?: string;
  name: string;
  isPermanent: boolean;
  usage: string;
  storageCapacity: number;
  address: { tenantId: string; locality: { code: string } };
}

export interface DigitFacility extends FacilityPayload {
  id: string;
  isDeleted?: boolean;
}

export async function createFacility(
  digit: DigitClients,
  requestInfo: RequestInfo,
  facility: FacilityPayload,
): Promise<DigitFacility> {
  const answer = await digit.facility.write<{ Facility?: DigitFacility }>(
    '/facility/v1/_create',
    requestInfo,
    { Facility: facility },
  );
  if (!answer.Facility?.id) throw new Error('facility create answered without an id');
  return answer.Facility;
}

/**
 * Sends the facilities `facilities` makes to DIGIT's bulk create, which answers 202 without ids and saves
 * them later. The payloads of this and the other writers of payload lists here (projects, employees, bulk
 * mappings) are made once the write holds its call slot, and live only until its request is serialized.
 */
export function bulkCreateFacilities(
  digit: DigitClients,
  requestInfo: RequestInfo,
  facilities: () => FacilityPayload[],
): Promise<void> {
  return digit.facility
    .write('/facility/v1/bulk/_create', requestInfo, () => ({ Facilities: facilities() }))
    .then(() => undefined);
}

/**
 * Facilities by the client references they were created with, all pages. The references go a page's worth
 * a search, side by side (the client's limits decide how many at once): a chunk of 5,000 facilities is
 * searched in the time of one search, not five.
 */
export async function searchFacilitiesByReference(
  digit: DigitClients,
  requestInfo: RequestInfo,
  tenantId: string,
  references: readonly string[],
): Promise<DigitFacility[]> {
  const slices: string[][] = [];
  for (let start = 0; start < references.length; start += SEARCH_PAGE)
    slices.push(references.slice(start, start + SEARCH_PAGE));
  const found = await Promise.all(
    slices.map((clientReferenceId) =>
      allPages(async (offset) => {
        const answer = await digit.facility.post<{ Facilities?: DigitFacility[]; TotalCount?: number }>(
          '/facility/v1/_search',
          requestInfo,
          { Facility: { clientReferenceId } },
          { tenantId, limit: SEARCH_PAGE, offset },
        );
        return { items: answer.Facilities ?? [], total: answer.TotalCount };
      }),
    ),
  );
  return found.flat();
}

export interface EmployeePayload {
  tenantId: string;
  code: string;
  employeeType: 'PERMANENT' | 'TEMPORARY';
  user: {
    name: string;
    mobileNumber: string;
    userName: string;
    password: string;
    roles: { name: string; code: string; tenantId: string }[];
    tenantId: string;
  };
  jurisdictions: { boundary: string; boundaryType: string; hierarchy: string; tenantId: string }[];
  status: 'ACTIVE';
}

export interface DigitEmployee {
  code?: string;
  user?: { mobileNumber?: string; userServiceUuid?: string; uuid?: string; userName?: string; name?: string };
}

/** Creates the employees `employees` makes in one HRMS call; answers them with how long HRMS took. */
export async function createEmployees(
  digit: DigitClients,
  requestInfo: RequestInfo,
  employees: () => EmployeePayload[],
): Promise<{ employees: DigitEmployee[]; ms: number }> {
  const { answer, ms } = await digit.hrms.writeTimed<{ Employees?: DigitEmployee[] }>(
    '/health-hrms/employees/_create',
    requestInfo,
    () => ({ Employees: employees() }),
  );
  return { employees: answer.Employees ?? [], ms };
}

export async function searchEmployeesByPhone(
  digit: DigitClients,
  requestInfo: RequestInfo,
  tenantId: string,
  phone: string,
): Promise<DigitEmployee[]> {
  const answer = await digit.hrms.post<{ Employees?: DigitEmployee[] }>(
    '/health-hrms/employees/_search',
    requestInfo,
    {},
    {
      tenantId,
      phone,
      limit: 10,
      offset: 0,
    },
  );
  return answer.Employees ?? [];
}

/**
 * The employees holding any of `codes` (the user names the pipeline gives them), in one call: HRMS'
 * search takes a list of codes, where it takes one phone.
 */
export async function searchEmployeesByCodes(
  digit: DigitClients,
  requestInfo: RequestInfo,
  tenantId: string,
  codes: readonly string[],
): Promise<DigitEmployee[]> {
  if (codes.length === 0) return [];
  const answer = await digit.hrms.post<{ Employees?: DigitEmployee[] }>(
    '/health-hrms/employees/_search',
    requestInfo,
    {},
    { tenantId, codes: codes.join(','), limit: codes.length, offset: 0 },
  );
  return answer.Employees ?? [];
}

/** The user-service uuid DIGIT maps staff by. */
export function employeeUserUuid(employee: DigitEmployee): string | undefined {
  return employee.user?.userServiceUuid ?? employee.user?.uuid;
}

export const MAPPING_KINDS = {
  facility: {
    path: '/health-project/facility/v1',
    entity: 'ProjectFacility',
    list: 'ProjectFacilities',
    searchField: 'facilityId',
  },
  staff: {
    path: '/health-project/staff/v1',
    entity: 'ProjectStaff',
    list: 'ProjectStaff',
    searchField: 'staffId',
  },
  resource: {
    path: '/health-project/resource/v1',
    entity: 'ProjectResource',
    list: 'ProjectResources',
    searchField: 'productVariantId',
  },
} as const;
export type MappingKind = keyof typeof MAPPING_KINDS;

export interface DigitMapping {
  id: string;
  projectId: string;
  facilityId?: string;
  userId?: string;
  resource?: { productVariantId?: string };
  isDeleted?: boolean;
  rowVersion?: number;
}

/** The mapped side of a mapping: facility id, user uuid or product variant id. */
export function mappedId(kind: MappingKind, mapping: DigitMapping): string | undefined {
  if (kind === 'facility') return mapping.facilityId;
  if (kind === 'staff') return mapping.userId;
  return mapping.resource?.productVariantId;
}

export async function searchMappings(
  digit: DigitClients,
  requestInfo: RequestInfo,
  kind: MappingKind,
  tenantId: string,
  projectIds: readonly string[],
  mappedIds: readonly string[],
): Promise<DigitMapping[]> {
  const spec = MAPPING_KINDS[kind];
  return allPages(async (offset) => {
    const answer = await digit.project.post<Record<string, DigitMapping[] | number | undefined>>(
      `${spec.path}/_search`,
      requestInfo,
      { [spec.entity]: { projectId: projectIds, [spec.searchField]: mappedIds } },
      { tenantId, limit: SEARCH_PAGE, offset },
    );
    const items = answer[spec.list];
    const total = answer.TotalCount;
    return { items: Array.isArray(items) ? items : [], total: typeof total === 'number' ? total : undefined };
  });
}

export async function createMapping(
  digit: DigitClients,
  requestInfo: RequestInfo,
  kind: MappingKind,
  payload: Record<string, unknown>,
): Promise<DigitMapping | undefined> {
  const spec = MAPPING_KINDS[kind];
  const answer = await digit.project.write<Record<string, DigitMapping | undefined>>(
    `${spec.path}/_create`,
    requestInfo,
    {
      [spec.entity]: payload,
    },
  );
  return answer[spec.entity];
}

/** Sends the mappings `payloads` makes to DIGIT's bulk create, which answers 202 and saves them later. */
export function bulkCreateMappings(
  digit: DigitClients,
  requestInfo: RequestInfo,
  kind: MappingKind,
  payloads: () => Record<string, unknown>[],
): Promise<void> {
  const spec = MAPPING_KINDS[kind];
  return digit.project
    .write(`${spec.path}/bulk/_create`, requestInfo, () => ({ [spec.list]: payloads() }))
    .then(() => undefined);
}

export async function deleteMappings(
  digit: DigitClients,
  requestInfo: RequestInfo,
  kind: MappingKind,
  mappings: DigitMapping[],
): Promise<void> {
  if (mappings.length === 0) return;
  const spec = MAPPING_KINDS[kind];
  await digit.project.write(`${spec.path}/bulk/_delete`, requestInfo, { [spec.list]: mappings });
}

/**
 * Every page of a search asked for SEARCH_PAGE items at a time. A short page need not be the last: DIGIT's
 * project search silently caps a page (`project.search.max.limit`, 200 as shipped) below the limit it
 * accepts. So the offset moves by what came back, and paging goes on until TotalCount is reached, or,
 * for an answer without one, until a page shorter than asked.
 */
export async function allPages<T>(
  page: (offset: number) => Promise<{ items: T[]; total?: number | undefined }>,
): Promise<T[]> {
  const all: T[] = [];
  for (let offset = 0; ;) {
    const { items, total } = await page(offset);
    all.push(...items);
    offset += items.length;
    const last = total === undefined ? items.length < SEARCH_PAGE : offset >= total;
    if (items.length === 0 || last) return all;
  }
}
