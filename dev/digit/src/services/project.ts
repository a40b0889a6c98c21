// Project service: create (one or many), search (by id, reference, boundary, ...) and update of projects.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { pushSavedRecords } from '../http/bulk.ts';
import { badRequest, DigitError } from '../http/envelope.ts';
import {
  booleanParam,
  isRecord,
  readPage,
  requireUser,
  text,
  type DigitRequest,
  type Json,
  type Query,
} from '../http/request.ts';
import { digitPost, type JsonText } from '../http/routes.ts';
import { formatId } from '../state/id-sequences.ts';
import {
  boundaryKey,
  referenceBoundaryKey,
  referenceKey,
  type Project,
  type ProjectAddress,
  type ProjectRecord,
  type ProjectTarget,
} from '../state/projects.ts';
import { isVisible, pageVisible, type AuditDetails, type StoredRecord } from '../state/records.ts';
import type { SimulatorState } from '../state/simulator-state.ts';

const PROJECT_NUMBER_FORMAT = 'PJT-[cy:yyyy-MM-dd]-[SEQ_PROJECT_NUMBER]';

const PROJECT_CREATE_PATH = '/health-project/v1/_create';

export function registerProjectService(app: FastifyInstance, state: SimulatorState): void {
  digitPost(app, PROJECT_CREATE_PATH, (digit) => ({ Project: createProjects(state, digit) }));
  digitPost(app, '/health-project/v1/_search', (digit, query) => searchProjects(state, digit, query));
  digitPost(app, '/health-project/v1/_update', (digit) => ({ Project: updateProjects(state, digit) }));
}

/** Projects of a request: a list, or a single project object. */
function projectsOf(body: Json): Json[] {
  const raw = body.Projects;
  const list = Array.isArray(raw) ? raw : isRecord(raw) ? [raw] : [];
  if (list.length === 0) throw badRequest('PROJECT', 'Projects are mandatory');
  if (!list.every(isRecord)) throw badRequest('PROJECT', 'Project is mandatory');
  return list as Json[];
}

/** The checks DIGIT makes on create and update bodies. */
function validateProjects(state: SimulatorState, projects: Json[]): string {
  const errors: Array<{ code: string; message: string }> = [];
  for (const project of projects) {
    if (!text(project.tenantId)) errors.push({ code: 'TENANT_ID', message: 'Tenant ID is mandatory' });
    const start = numberOrNull(project.startDate);
    const end = numberOrNull(project.endDate);
    if (start !== null && end !== null && end !== 0 && start > end) {
      errors.push({ code: 'INVALID_DATE', message: 'Start date should be less than end date' });
    }
    const address = isRecord(project.address) ? project.address : null;
    if (address && text(address.boundary) && !text(address.boundaryType)) {
      errors.push({
        code: 'BOUNDARY',
        message: 'Boundary Type is mandatory if boundary is present in Project request body',
      });
    }
  }
  if (errors.length > 0) throw new DigitError(400, dedupe(errors));
  const tenantId = text(projects[0]?.tenantId) ?? '';
  if (projects.some((p) => text(p.tenantId) !== tenantId)) {
    throw badRequest(
      'MULTIPLE_TENANTS',
      'All projects must have same tenant Id. Please create new request for different tentant id',
    );
  }
  const unknown = projects
    .map((p) => (isRecord(p.address) ? text(p.address.boundary) : undefined))
    .filter((code): code is string => code !== undefined && !state.boundary(tenantId, code));
  if (unknown.length > 0) {
    throw badRequest(
      'BOUNDARY_SERVICE_SEARCH_ERROR',
      `Error in while fetching boundaries from Boundary Service : The boundary data for the code [${[...new Set(unknown)].join(', ')}] is not available`,
    );
  }
  return tenantId;
}

/** Parent projects must already be stored (and persisted, i.e. visible). */
function validateParents(state: SimulatorState, projects: Json[], now: number): void {
  for (const project of projects) {
    const parent = text(project.parent);
    if (!parent) continue;
    const record = state.projects.get(parent);
    if (!record || !isVisible(record, now)) {
      throw badRequest(
        'INVALID_PARENT_PROJECT',
        `The parent project with id ${parent} does not exists in the system`,
      );
    }
  }
}

/**
 * Synchronous and all or nothing: any invalid project refuses the request (ProjectValidator), the answer
 * (200) carries the enriched projects, which the persister saves later from the one Kafka message the
 * whole enriched request is pushed as (ProjectService.createProject): a request whose enriched projects
 * are over the message limit is refused and nothing is saved.
 */
function createProjects(state: SimulatorState, digit: DigitRequest): JsonText {
  const user = requireUser(digit);
  const input = projectsOf(digit.body);
  const tenantId = validateProjects(state, input);
  const now = Date.now();
  validateParents(state, input, now);
  const audit: AuditDetails = {
    createdBy: user,
    lastModifiedBy: user,
    createdTime: now,
    lastModifiedTime: now,
  };
  const projects = input.map((fields) => {
    const id = randomUUID();
    const parent = text(fields.parent) ?? null;
    const project: Project = {
      id,
      tenantId,
      projectNumber: formatId(
        PROJECT_NUMBER_FORMAT,
        () => state.ids.next('project.number'),
        tenantId,
        new Date(now),
      ),
      name: text(fields.name) ?? null,
      projectType: text(fields.projectType) ?? null,
      projectTypeId: text(fields.projectTypeId) ?? null,
      projectSubType: text(fields.projectSubType) ?? null,
      department: text(fields.department) ?? null,
      description: text(fields.description) ?? null,
      referenceID: text(fields.referenceID) ?? null,
      projectHierarchy: hierarchyOf(state, parent, id),
      natureOfWork: text(fields.natureOfWork) ?? null,
      address: addressOf(fields.address, tenantId, id, null),
      startDate: numberOrNull(fields.startDate),
      endDate: numberOrNull(fields.endDate),
      isTaskEnabled: fields.isTaskEnabled === true,
      parent,
      targets: targetsOf(fields.targets, [], audit),
      documents: Array.isArray(fields.documents) ? fields.documents : [],
      additionalDetails: fields.additionalDetails ?? null,
      isDeleted: false,
      rowVersion: 1,
      auditDetails: audit,
    };
    return project;
  });
  const written = pushSavedRecords(
    state,
    'project',
    PROJECT_CREATE_PATH,
    digit.requestInfo,
    'Projects',
    projects,
  );
  const visibleAt = state.visibleAt('project', now);
  for (const project of projects) state.projects.add({ data: project, visibleAt });
  return written;
}

function updateProjects(state: SimulatorState, digit: DigitRequest): Project[] {
  const user = requireUser(digit);
  const input = projectsOf(digit.body);
  for (const project of input) {
    if (!text(project.id)) throw badRequest('UPDATE_PROJECT', 'Project Id is mandatory');
  }
  const tenantId = validateProjects(state, input);
  const now = Date.now();
  const records = input.map((fields) => {
    const record = state.projects.get(text(fields.id) ?? '');
    if (!record || !isVisible(record, now) || record.data.tenantId !== tenantId) {
      throw badRequest(
        'INVALID_PROJECT_MODIFY',
        `The project id ${String(fields.id)} that you are trying to update does not exists for the project`,
      );
    }
    checkModifiable(record.data, fields);
    return record;
  });
  validateParents(
    state,
    input.filter((fields, i) => text(fields.parent) !== records[i]?.data.parent),
    now,
  );
  return records.map((record, i) => {
    const fields = input[i] ?? {};
    const current = record.data;
    const audit = { ...current.auditDetails, lastModifiedBy: user, lastModifiedTime: now };
    const parent = 'parent' in fields ? (text(fields.parent) ?? null) : current.parent;
    const next: Project = {
      ...current,
      name: pick(fields, 'name', current.name),
      projectType: pick(fields, 'projectType', current.projectType),
      projectSubType: pick(fields, 'projectSubType', current.projectSubType),
      department: pick(fields, 'department', current.department),
      description: pick(fields, 'description', current.description),
      referenceID: pick(fields, 'referenceID', current.referenceID),
      natureOfWork: pick(fields, 'natureOfWork', current.natureOfWork),
      startDate: 'startDate' in fields ? numberOrNull(fields.startDate) : current.startDate,
      endDate: 'endDate' in fields ? numberOrNull(fields.endDate) : current.endDate,
      isTaskEnabled: typeof fields.isTaskEnabled === 'boolean' ? fields.isTaskEnabled : current.isTaskEnabled,
      parent,
      projectHierarchy:
        parent === current.parent ? current.projectHierarchy : hierarchyOf(state, parent, current.id),
      address:
        'address' in fields
          ? addressOf(fields.address, tenantId, current.id, current.address)
          : current.address,
      targets: 'targets' in fields ? targetsOf(fields.targets, current.targets, audit) : current.targets,
      documents: Array.isArray(fields.documents) ? fields.documents : current.documents,
      additionalDetails: 'additionalDetails' in fields ? fields.additionalDetails : current.additionalDetails,
      isDeleted: typeof fields.isDeleted === 'boolean' ? fields.isDeleted : current.isDeleted,
      rowVersion: current.rowVersion + 1,
      auditDetails: audit,
    };
    state.projects.replace(record, next);
    return next;
  });
}

/** DIGIT's checks of an update against the stored project: known target ids, the stored address id. */
function checkModifiable(stored: Project, fields: Json): void {
  const targetIds = new Set(stored.targets.map((t) => t.id));
  if (Array.isArray(fields.targets)) {
    for (const target of fields.targets) {
      const id = isRecord(target) ? text(target.id) : undefined;
      if (id && !targetIds.has(id)) {
        throw badRequest(
          'INVALID_PROJECT_MODIFY.TARGET',
          `The target id ${id} that you are trying to update does not exists for the project ${stored.projectNumber}`,
        );
      }
    }
  }
  if (stored.address && isRecord(fields.address)) {
    const addressId = text(fields.address.id);
    if (addressId !== stored.address.id) {
      throw badRequest(
        'INVALID_PROJECT_MODIFY.ADDRESS',
        addressId
          ? `The address id ${addressId} that you are trying to update does not exists for the project ${stored.projectNumber}`
          : `The address with id ${stored.address.id} already exists for the project ${stored.projectNumber}`,
      );
    }
  }
}

function searchProjects(state: SimulatorState, digit: DigitRequest, query: Query): Json {
  if (query.limit === undefined)
    throw badRequest('SEARCH_PROJECT.LIMIT', 'limit is mandatory for Project Search');
  if (query.offset === undefined)
    throw badRequest('SEARCH_PROJECT.OFFSET', 'offset is mandatory for Project Search');
  const tenantId = query.tenantId;
  if (!tenantId) throw badRequest('SEARCH_PROJECT.TENANT_ID', 'tenantId is mandatory for Project Search');
  // The controller accepts a limit up to 1,000; the query then silently takes at most the service's page.
  const asked = readPage(query, 1000, true);
  const pageMax = state.behaviour.project.searchPageMax;
  const page = { ...asked, limit: pageMax === null ? asked.limit : Math.min(asked.limit, pageMax) };
  const criteria = projectsOf(digit.body);
  for (const c of criteria) {
    if (!text(c.tenantId)) throw badRequest('TENANT_ID', 'Tenant ID is mandatory');
    if (text(c.tenantId) !== tenantId) {
      throw badRequest('MULTIPLE_TENANTS', 'Tenant Id must be same in URL param and project request');
    }
    if (!SEARCH_FIELDS.some((field) => criterionValue(c, field) !== undefined)) {
      throw badRequest('PROJECT_SEARCH_FIELDS', 'Any one project search field is required');
    }
  }
  const now = Date.now();
  const includeDeleted = booleanParam(query.includeDeleted, false);
  const lists: Array<readonly ProjectRecord[]> = [];
  const filters: Array<(record: ProjectRecord) => boolean> = [];
  for (const c of criteria) {
    lists.push(...candidates(state, tenantId, c, includeDeleted));
    filters.push((record) => matches(record.data, c) && (includeDeleted || !record.data.isDeleted));
  }
  const accept = (record: ProjectRecord): boolean => filters.some((f) => f(record));
  const { items, total } = pageVisible(lists, now, page, accept);
  const withDescendants = booleanParam(query.includeDescendants, false);
  const withAncestors = booleanParam(query.includeAncestors, false);
  const projects = items.map((project) => ({
    ...project,
    ...(withDescendants ? { descendants: descendantsOf(state, project.id, now) } : {}),
    ...(withAncestors ? { ancestors: ancestorsOf(state, project, now) } : {}),
  }));
  return { Project: projects, TotalCount: total };
}

const SEARCH_FIELDS = [
  'id',
  'referenceID',
  'boundary',
  'projectType',
  'name',
  'projectNumber',
  'projectSubType',
] as const;
type SearchField = (typeof SEARCH_FIELDS)[number];

function criterionValue(criterion: Json, field: SearchField): string | undefined {
  if (field === 'boundary') return isRecord(criterion.address) ? text(criterion.address.boundary) : undefined;
  return text(criterion[field]);
}

/** The narrowest index lists that can hold the matches of one criterion. */
function candidates(
  state: SimulatorState,
  tenantId: string,
  criterion: Json,
  includeDeleted: boolean,
): Array<readonly ProjectRecord[]> {
  const { projects } = state;
  const id = criterionValue(criterion, 'id');
  if (id) {
    const record = projects.get(id);
    return record ? [[record]] : [];
  }
  if (includeDeleted) return [projects.all.get(tenantId)];
  const reference = criterionValue(criterion, 'referenceID');
  const boundary = criterionValue(criterion, 'boundary');
  if (reference && boundary)
    return [projects.byReferenceAndBoundary.get(referenceBoundaryKey(tenantId, reference, boundary))];
  if (boundary) return [projects.byBoundary.get(boundaryKey(tenantId, boundary))];
  if (reference) return [projects.byReference.get(referenceKey(tenantId, reference))];
  return [projects.active.get(tenantId)];
}

function matches(project: Project, criterion: Json): boolean {
  return SEARCH_FIELDS.every((field) => {
    const wanted = criterionValue(criterion, field);
    if (wanted === undefined) return true;
    const actual = field === 'boundary' ? project.address?.boundary : project[field];
    return actual === wanted;
  });
}

function descendantsOf(state: SimulatorState, id: string, now: number): Project[] {
  const found: Project[] = [];
  const queue = [id];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of state.projects.byParent.get(next)) {
      if (!isVisible(child, now)) continue;
      found.push(child.data);
      queue.push(child.data.id);
    }
  }
  return found;
}

function ancestorsOf(state: SimulatorState, project: Project, now: number): Project[] {
  const found: Project[] = [];
  let parent = project.parent;
  while (parent) {
    const record: StoredRecord<Project> | undefined = state.projects.get(parent);
    if (!record || !isVisible(record, now)) break;
    found.unshift(record.data);
    parent = record.data.parent;
  }
  return found;
}

function hierarchyOf(state: SimulatorState, parent: string | null, id: string): string {
  const parentHierarchy = parent ? state.projects.get(parent)?.data.projectHierarchy : undefined;
  return parentHierarchy ? `${parentHierarchy}.${id}` : id;
}

function addressOf(
  raw: unknown,
  tenantId: string,
  projectId: string,
  stored: ProjectAddress | null,
): ProjectAddress | null {
  if (!isRecord(raw)) return stored;
  return {
    ...raw,
    id: stored?.id ?? randomUUID(),
    tenantId: text(raw.tenantId) ?? tenantId,
    projectId,
    boundary: text(raw.boundary) ?? null,
    boundaryType: text(raw.boundaryType) ?? null,
  };
}

function targetsOf(raw: unknown, stored: ProjectTarget[], audit: AuditDetails): ProjectTarget[] {
  if (!Array.isArray(raw)) return stored;
  const byId = new Map(stored.map((t) => [t.id, t]));
  return raw.filter(isRecord).map((target) => {
    const existing = byId.get(text(target.id) ?? '');
    return {
      id: existing?.id ?? randomUUID(),
      beneficiaryType: text(target.beneficiaryType) ?? existing?.beneficiaryType ?? '',
      totalNo: numberOrNull(target.totalNo),
      targetNo: numberOrNull(target.targetNo) ?? 0,
      isDeleted: target.isDeleted === true,
      auditDetails: existing
        ? {
            ...existing.auditDetails,
            lastModifiedBy: audit.lastModifiedBy,
            lastModifiedTime: audit.lastModifiedTime,
          }
        : audit,
    };
  });
}

function pick(fields: Json, key: string, current: string | null): string | null {
  return key in fields ? (text(fields[key]) ?? null) : current;
}

function numberOrNull(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return null;
}

function dedupe(errors: Array<{ code: string; message: string }>): Array<{ code: string; message: string }> {
  const seen = new Map(errors.map((e) => [e.code, e]));
  return [...seen.values()];
}
