// Project mappings of the project service: staff (user), facility and resource (product variant). Create
// is synchronous for validation but persisted later (search sees it after the visibility delay); bulk
// delete is asynchronous and answers 202 without ids, as DIGIT does.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { badRequest, DigitError } from '../http/envelope.ts';
import {
  booleanParam,
  isRecord,
  requirePage,
  requireUser,
  stringList,
  text,
  type DigitRequest,
  type Json,
  type Query,
} from '../http/request.ts';
import { digitPost } from '../http/routes.ts';
import { pairKey, type Mapping, type MappingRecord, type MappingStore } from '../state/mappings.ts';
import { isVisible, pageVisible } from '../state/records.ts';
import type { EntityKind, SimulatorState } from '../state/simulator-state.ts';

interface MappingKind {
  kind: EntityKind;
  basePath: string;
  /** Key of the payload in requests and of the created entity in the create answer. */
  entityKey: string;
  /** Key of the list in search answers. */
  listKey: string;
  /** The mapped side: field of the entity, and its name in search criteria. */
  otherField: string;
  otherSearchField: string;
  store: (state: SimulatorState) => MappingStore;
  /** Whether the mapped side exists as the real service would check it. */
  otherExists: (state: SimulatorState, tenantId: string, id: string, now: number) => boolean;
  /** Reads the mapped side out of a create payload. */
  otherOf: (payload: Json) => string | undefined;
}

const KINDS: MappingKind[] = [
  {
    kind: 'projectStaff',
    basePath: '/health-project/staff/v1',
    entityKey: 'ProjectStaff',
    listKey: 'ProjectStaff',
    otherField: 'userId',
    otherSearchField: 'staffId',
    store: (state) => state.projectStaff,
    // Users live in the user service, which is read-after-write consistent.
    otherExists: (state, tenantId, id) => state.employees.byUuid.get(id)?.data.tenantId === tenantId,
    otherOf: (payload) => text(payload.userId),
  },
  {
    kind: 'projectFacility',
    basePath: '/health-project/facility/v1',
    entityKey: 'ProjectFacility',
    listKey: 'ProjectFacilities',
    otherField: 'facilityId',
    otherSearchField: 'facilityId',
    store: (state) => state.projectFacilities,
    otherExists: (state, tenantId, id, now) => {
      const record = state.facilities.byId.get(id);
      return record !== undefined && record.data.tenantId === tenantId && isVisible(record, now);
    },
    otherOf: (payload) => text(payload.facilityId),
  },
  {
    kind: 'projectResource',
    basePath: '/health-project/resource/v1',
    entityKey: 'ProjectResource',
    listKey: 'ProjectResources',
    otherField: 'resource',
    otherSearchField: 'productVariantId',
    store: (state) => state.projectResources,
    otherExists: (state, _tenantId, id) => state.productVariants.has(id),
    otherOf: (payload) => (isRecord(payload.resource) ? text(payload.resource.productVariantId) : undefined),
  },
];

export function registerProjectMappings(app: FastifyInstance, state: SimulatorState): void {
  for (const kind of KINDS) {
    digitPost(app, `${kind.basePath}/_create`, (digit) => ({
      [kind.entityKey]: createMapping(state, kind, digit),
    }));
    digitPost(app, `${kind.basePath}/_search`, (digit, query) => searchMappings(state, kind, digit, query));
    digitPost(app, `${kind.basePath}/bulk/_delete`, (digit) => bulkDelete(state, kind, digit), 202);
  }
}

function createMapping(state: SimulatorState, kind: MappingKind, digit: DigitRequest): Mapping {
  const user = requireUser(digit);
  const payload = digit.body[kind.entityKey];
  if (!isRecord(payload)) throw badRequest(`NotNull.${kind.entityKey}`, `${kind.entityKey} must not be null`);
  const tenantId = text(payload.tenantId);
  const projectId = text(payload.projectId);
  const other = kind.otherOf(payload);
  const missing = [
    tenantId ? null : 'tenantId',
    projectId ? null : 'projectId',
    other ? null : kind.otherField === 'resource' ? 'resource.productVariantId' : kind.otherField,
  ].filter((field): field is string => field !== null);
  if (missing.length > 0 || !tenantId || !projectId || !other) {
    throw new DigitError(
      400,
      missing.map((field) => ({
        code: `NotNull.${kind.entityKey}.${field}`,
        message: `${field} must not be null`,
      })),
    );
  }
  const now = Date.now();
  const store = kind.store(state);
  const errors: Array<{ code: string; message: string }> = [];
  const project = state.projects.get(projectId);
  if (!project || project.data.tenantId !== tenantId || project.data.isDeleted || !isVisible(project, now)) {
    errors.push({
      code: 'NON_EXISTENT_RELATED_ENTITY',
      message: `Related entity does not exist in db ${projectId}`,
    });
  }
  if (!kind.otherExists(state, tenantId, other, now)) {
    errors.push({
      code: 'NON_EXISTENT_RELATED_ENTITY',
      message: `Related entity does not exist in db ${other}`,
    });
  }
  // The uniqueness check reads the database, so a mapping still waiting to be persisted slips past it.
  if (store.byPair.get(pairKey(projectId, other)).some((record) => isVisible(record, now))) {
    errors.push({ code: 'DUPLICATE_ENTITY', message: `Duplicate entity ${projectId}, ${other}` });
  }
  if (errors.length > 0) throw new DigitError(400, errors);
  const mapping: Mapping = {
    ...payload,
    id: randomUUID(),
    tenantId,
    projectId,
    isDeleted: false,
    rowVersion: 1,
    auditDetails: { createdBy: user, lastModifiedBy: user, createdTime: now, lastModifiedTime: now },
  };
  store.add({ data: mapping, visibleAt: state.visibleAt(kind.kind, now) });
  return mapping;
}

function searchMappings(state: SimulatorState, kind: MappingKind, digit: DigitRequest, query: Query): Json {
  const { tenantId, ...page } = requirePage(query);
  const criteria = digit.body[kind.entityKey];
  if (!isRecord(criteria))
    throw badRequest(`NotNull.${kind.entityKey}`, `${kind.entityKey} must not be null`);
  const includeDeleted = booleanParam(query.includeDeleted, false);
  const store = kind.store(state);
  const ids = stringList(criteria.id);
  const projectIds = stringList(criteria.projectId);
  const others = stringList(criteria[kind.otherSearchField]);
  let lists: Array<readonly MappingRecord[]>;
  if (ids.length > 0) {
    lists = ids
      .map((id) => store.byId.get(id))
      .filter((r): r is MappingRecord => r !== undefined)
      .map((r) => [r]);
  } else if (includeDeleted) {
    lists = [store.all.get(tenantId)];
  } else if (projectIds.length > 0 && others.length > 0 && projectIds.length * others.length <= 1000) {
    lists = projectIds.flatMap((projectId) =>
      others.map((other) => store.byPair.get(pairKey(projectId, other))),
    );
  } else if (projectIds.length > 0) {
    lists = projectIds.map((projectId) => store.byProject.get(projectId));
  } else if (others.length > 0) {
    lists = others.map((other) => store.byOther.get(other));
  } else {
    lists = [store.all.get(tenantId)];
  }
  const projectSet = projectIds.length > 0 ? new Set(projectIds) : null;
  const otherSet = others.length > 0 ? new Set(others) : null;
  const accept = (record: MappingRecord): boolean => {
    const mapping = record.data;
    return (
      mapping.tenantId === tenantId &&
      (includeDeleted || !mapping.isDeleted) &&
      (projectSet === null || projectSet.has(mapping.projectId)) &&
      (otherSet === null || otherSet.has(store.other(mapping)))
    );
  };
  const { items, total } = pageVisible(lists, Date.now(), page, accept);
  return { [kind.listKey]: items, TotalCount: total };
}

/** Accepted at once; the deletes happen when the asynchronous processing gets to them. */
function bulkDelete(state: SimulatorState, kind: MappingKind, digit: DigitRequest): Json {
  const user = requireUser(digit);
  const raw = digit.body[kind.entityKey];
  const list = Array.isArray(raw) ? raw.filter(isRecord) : isRecord(raw) ? [raw] : [];
  if (list.length === 0) throw badRequest(`NotNull.${kind.entityKey}`, `${kind.entityKey} must not be null`);
  const store = kind.store(state);
  state.later('project', () => {
    const now = Date.now();
    for (const entry of list) {
      // Entries without an id, unknown ids and stale row versions fail validation silently, as in DIGIT.
      const record = store.byId.get(text(entry.id) ?? '');
      if (!record) continue;
      if (typeof entry.rowVersion === 'number' && entry.rowVersion !== record.data.rowVersion) continue;
      store.markDeleted(record, user, now);
    }
  });
  return {};
}
