// Project mappings of the project service: staff (user), facility and resource (product variant). Create
// is synchronous for validation but persisted later (search sees it after the visibility delay); bulk
// create and bulk delete are asynchronous and answer 202 without ids, as DIGIT does.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { bulkItems, processLater, type ItemProblem } from '../http/bulk.ts';
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
import { digitAccept, digitPost, type AcceptedBulk } from '../http/routes.ts';
import { pairKey, type Mapping, type MappingRecord, type MappingStore } from '../state/mappings.ts';
import { isVisible, pageVisible } from '../state/records.ts';
import type { EntityKind, SimulatorState } from '../state/simulator-state.ts';

interface MappingKind {
  kind: EntityKind;
  basePath: string;
  /** Key of the payload in requests and of the created entity in the create answer. */
  entityKey: string;
  /** Key of the list in bulk create requests (ProjectStaffBulkRequest and its siblings). */
  bulkKey: string;
  /**
   * Whether the uniqueness of the pair is checked before the references in a bulk create: the validators
   * run in their @Order (health-services/project/.../validator/{staff,facility,resource}), each on the
   * items no earlier one rejected.
   */
  uniqueFirst: boolean;
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
    bulkKey: 'ProjectStaff',
    uniqueFirst: true,
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
    bulkKey: 'ProjectFacilities',
    uniqueFirst: false,
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
    bulkKey: 'ProjectResources',
    uniqueFirst: true,
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
    digitAccept(app, `${kind.basePath}/bulk/_create`, (digit, accepted) =>
      bulkCreate(state, kind, digit, accepted),
    );
    digitPost(app, `${kind.basePath}/_search`, (digit, query) => searchMappings(state, kind, digit, query));
    digitPost(app, `${kind.basePath}/bulk/_delete`, (digit) => bulkDelete(state, kind, digit), 202);
  }
}

interface MappingFields {
  tenantId: string;
  projectId: string;
  other: string;
}

/** The fields bean validation requires of every mapping; a missing one refuses the whole request. */
function requiredFields(kind: MappingKind, payload: Json): MappingFields {
  const tenantId = text(payload.tenantId);
  const projectId = text(payload.projectId);
  const other = kind.otherOf(payload);
  if (tenantId && projectId && other) return { tenantId, projectId, other };
  const missing = [
    tenantId ? null : 'tenantId',
    projectId ? null : 'projectId',
    other ? null : kind.otherField === 'resource' ? 'resource.productVariantId' : kind.otherField,
  ].filter((field): field is string => field !== null);
  throw new DigitError(
    400,
    missing.map((field) => ({
      code: `NotNull.${kind.entityKey}.${field}`,
      message: `${field} must not be null`,
    })),
  );
}

/** The project and the mapped side must exist in the mapping's tenant, as the database sees them now. */
function referenceProblems(
  state: SimulatorState,
  kind: MappingKind,
  fields: MappingFields,
  now: number,
): ItemProblem[] {
  const { tenantId, projectId, other } = fields;
  const problems: ItemProblem[] = [];
  const project = state.projects.get(projectId);
  if (!project || project.data.tenantId !== tenantId || project.data.isDeleted || !isVisible(project, now)) {
    problems.push(nonExistent(projectId));
  }
  if (!kind.otherExists(state, tenantId, other, now)) problems.push(nonExistent(other));
  return problems;
}

function nonExistent(id: string): ItemProblem {
  return { code: 'NON_EXISTENT_RELATED_ENTITY', message: `Related entity does not exist in db ${id}` };
}

function duplicate(fields: MappingFields): ItemProblem {
  return { code: 'DUPLICATE_ENTITY', message: `Duplicate entity ${fields.projectId}, ${fields.other}` };
}

/** The uniqueness check reads the database, so a mapping still waiting to be persisted slips past it. */
function pairExists(store: MappingStore, fields: MappingFields, now: number): boolean {
  return store.byPair.get(pairKey(fields.projectId, fields.other)).some((record) => isVisible(record, now));
}

function storeMapping(
  state: SimulatorState,
  kind: MappingKind,
  payload: Json,
  fields: MappingFields,
  user: string,
  now: number,
  visibleAt: number,
): Mapping {
  const mapping = buildMapping(payload, fields, user, now);
  kind.store(state).add({ data: mapping, visibleAt });
  return mapping;
}

/** The mapping as the service enriches it: its id, audit details and row version. */
function buildMapping(payload: Json, fields: MappingFields, user: string, now: number): Mapping {
  return {
    ...payload,
    id: randomUUID(),
    tenantId: fields.tenantId,
    projectId: fields.projectId,
    isDeleted: false,
    rowVersion: 1,
    auditDetails: { createdBy: user, lastModifiedBy: user, createdTime: now, lastModifiedTime: now },
  };
}

function createMapping(state: SimulatorState, kind: MappingKind, digit: DigitRequest): Mapping {
  const user = requireUser(digit);
  const payload = digit.body[kind.entityKey];
  if (!isRecord(payload)) throw badRequest(`NotNull.${kind.entityKey}`, `${kind.entityKey} must not be null`);
  const fields = requiredFields(kind, payload);
  const now = Date.now();
  const errors = referenceProblems(state, kind, fields, now);
  if (pairExists(kind.store(state), fields, now)) errors.push(duplicate(fields));
  if (errors.length > 0) throw new DigitError(400, errors);
  return storeMapping(state, kind, payload, fields, user, now, state.visibleAt(kind.kind, now));
}

/**
 * Accepted at once (the controller only pushes the request to Kafka); the consumer validates the items
 * when it gets to them (ProjectStaffService.create(request, isBulk = true) and its siblings): an item with
 * a missing project or mapped side, or a pair that exists already, is dropped, the others are saved.
 * References are checked in each item's own tenant; the service checks them all in the tenant of one item
 * of the batch, which is the same for the single-tenant batches DIGIT's clients send.
 */
function bulkCreate(
  state: SimulatorState,
  kind: MappingKind,
  digit: DigitRequest,
  accepted: AcceptedBulk,
): void {
  const user = requireUser(digit);
  const items = bulkItems(digit, kind.bulkKey);
  const fields = items.map((item) => requiredFields(kind, item));
  const visibleAt = state.visibleAt(kind.kind, Date.now());
  processLater(state, {
    service: 'project',
    accepted,
    items,
    listKey: kind.bulkKey,
    problems: (now) => batchProblems(state, kind, fields, now),
    // Every item passed requiredFields when the request was accepted: reading its fields again cannot fail.
    build: (item, _index, now) => buildMapping(item, requiredFields(kind, item), user, now),
    save: (mappings) => {
      for (const mapping of mappings) kind.store(state).add({ data: mapping, visibleAt });
    },
  });
}

type Problems = Array<ItemProblem | null>;

/** Each item's first problem, judged now by the checks in the order the service's validators run. */
function batchProblems(
  state: SimulatorState,
  kind: MappingKind,
  fields: MappingFields[],
  now: number,
): Problems {
  const problems: Problems = fields.map(() => null);
  const checkReferences = (): void =>
    fields.forEach((f, i) => {
      if (!problems[i]) problems[i] = referenceProblems(state, kind, f, now)[0] ?? null;
    });
  const checkUniqueness = (): void => {
    rejectRepeatedPairs(fields, problems);
    fields.forEach((f, i) => {
      if (!problems[i] && pairExists(kind.store(state), f, now)) problems[i] = duplicate(f);
    });
  };
  for (const check of kind.uniqueFirst
    ? [checkUniqueness, checkReferences]
    : [checkReferences, checkUniqueness]) {
    check();
  }
  return problems;
}

/**
 * Of a pair repeated among the items still valid, only the last copy is rejected: the validator keys the
 * items by pair in a map, where the last one wins; the earlier copies go on to the database check.
 */
function rejectRepeatedPairs(fields: MappingFields[], problems: Problems): void {
  const lastOfPair = new Map<string, number>();
  const copies = new Map<string, number>();
  fields.forEach((f, i) => {
    if (problems[i]) return;
    const key = pairKey(f.projectId, f.other);
    lastOfPair.set(key, i);
    copies.set(key, (copies.get(key) ?? 0) + 1);
  });
  for (const [key, i] of lastOfPair) {
    const f = fields[i];
    if (f && (copies.get(key) ?? 0) > 1) problems[i] = duplicate(f);
  }
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
  // The same request as the bulk create (ProjectFacilityBulkRequest and its siblings), so the same list key.
  const raw = digit.body[kind.bulkKey];
  const list = Array.isArray(raw) ? raw.filter(isRecord) : [];
  if (list.length === 0) throw badRequest(`NotNull.${kind.bulkKey}`, `${kind.bulkKey} must not be null`);
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
