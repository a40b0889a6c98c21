// The simulator's own API under /_sim: counts, duplicates, call counters, behaviour, entity listings,
// planting and reset. Plain JSON, no DIGIT envelopes.
import type { FastifyInstance } from 'fastify';
import { applyBehaviourPatch, behaviourPatchProblem, type BehaviourPatch } from '../behaviour.ts';
import type { CallCounters } from '../http/counters.ts';
import { badRequest } from '../http/envelope.ts';
import { booleanParam, queryOf, type Query } from '../http/request.ts';
import type { Mapping, MappingStore } from '../state/mappings.ts';
import { isVisible, type StoredRecord } from '../state/records.ts';
import type { SimulatorState } from '../state/simulator-state.ts';
import { findDuplicates } from './duplicates.ts';
import { plant, type PlantRequest } from './plant.ts';

export interface EntityCounts {
  projects: number;
  facilities: number;
  employees: number;
  projectStaff: number;
  projectFacilities: number;
  projectResources: number;
  files: number;
  /** Soft-deleted entities, not included above. */
  deleted: { projects: number; projectStaff: number; projectFacilities: number; projectResources: number };
  /** Created but not yet visible to search. */
  pending: number;
  /** Items of bulk creates accepted but not processed yet (neither saved nor dropped). */
  queued: number;
}

export interface Listing<T> {
  total: number;
  items: Array<T & { visible: boolean }>;
}

export function countEntities(state: SimulatorState): EntityCounts {
  const now = Date.now();
  let deletedProjects = 0;
  let pending = 0;
  for (const record of state.projects.byId.values()) {
    if (record.data.isDeleted) deletedProjects++;
    if (!isVisible(record, now)) pending++;
  }
  for (const store of [state.facilities.byId, state.employees.byUuid]) {
    for (const record of store.values()) if (!isVisible(record, now)) pending++;
  }
  for (const store of [state.projectStaff, state.projectFacilities, state.projectResources]) {
    for (const record of store.byId.values()) if (!isVisible(record, now)) pending++;
  }
  return {
    projects: state.projects.size - deletedProjects,
    facilities: state.facilities.size,
    employees: state.employees.size,
    projectStaff: state.projectStaff.size,
    projectFacilities: state.projectFacilities.size,
    projectResources: state.projectResources.size,
    files: state.files.size,
    deleted: {
      projects: deletedProjects,
      projectStaff: state.projectStaff.deletedCount,
      projectFacilities: state.projectFacilities.deletedCount,
      projectResources: state.projectResources.deletedCount,
    },
    pending,
    queued: state.queuedItems,
  };
}

export function registerInspection(
  app: FastifyInstance,
  state: SimulatorState,
  counters: CallCounters,
): void {
  app.get('/_sim/counts', async () => countEntities(state));
  app.get('/_sim/duplicates', async () => findDuplicates(state));
  app.get('/_sim/dropped-items', async () => state.droppedItems);
  app.get('/_sim/process', async () => {
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    return {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      cpuMicros: cpu.user + cpu.system,
      uptimeSeconds: process.uptime(),
    };
  });
  app.get('/_sim/calls', async () => counters.report());
  app.post('/_sim/calls/reset', async () => {
    counters.reset();
    return { reset: true };
  });
  app.post('/_sim/reset', async () => {
    state.reset();
    counters.reset();
    return { reset: true };
  });
  app.get('/_sim/behaviour', async () => state.behaviour);
  app.put('/_sim/behaviour', async (request) => {
    const problem = behaviourPatchProblem(request.body);
    if (problem) throw badRequest('INVALID_BEHAVIOUR', problem);
    applyBehaviourPatch(state.behaviour, request.body as BehaviourPatch);
    return state.behaviour;
  });
  app.post('/_sim/plant', async (request) => plant(state, (request.body ?? {}) as PlantRequest));
  app.get('/_sim/hierarchies', async () =>
    [...state.hierarchies.values()].map((h) => ({
      tenantId: h.tenantId,
      hierarchyType: h.hierarchyType,
      levels: h.levels,
      root: h.root.code,
      counts: Object.fromEntries([...h.codesByType].map(([type, codes]) => [type, codes.length])),
    })),
  );

  app.get('/_sim/entities/projects', async (request) => {
    const q = queryOf(request.query);
    const parent = q.parent;
    return list(
      q,
      [...state.projects.byId.values()],
      (p) =>
        matchAll(q, {
          tenantId: p.tenantId,
          id: p.id,
          referenceID: p.referenceID,
          boundary: p.address?.boundary,
        }) &&
        (parent === undefined || (parent === 'null' ? p.parent === null : p.parent === parent)) &&
        (booleanParam(q.includeDeleted, false) || !p.isDeleted),
    );
  });
  app.get('/_sim/entities/facilities', async (request) => {
    const q = queryOf(request.query);
    return list(q, [...state.facilities.byId.values()], (f) =>
      matchAll(q, { tenantId: f.tenantId, id: f.id, name: f.name, usage: f.usage }),
    );
  });
  app.get('/_sim/entities/employees', async (request) => {
    const q = queryOf(request.query);
    return list(q, [...state.employees.byUuid.values()], (e) =>
      matchAll(q, { tenantId: e.tenantId, phone: e.user.mobileNumber, code: e.code, uuid: e.user.uuid }),
    );
  });
  const mappingRoute = (path: string, store: MappingStore, otherParam: string): void => {
    app.get(path, async (request) => {
      const q = queryOf(request.query);
      return list(
        q,
        [...store.byId.values()],
        (m: Mapping) =>
          matchAll(q, {
            tenantId: m.tenantId,
            id: m.id,
            projectId: m.projectId,
            [otherParam]: store.other(m),
          }) &&
          (booleanParam(q.includeDeleted, false) || !m.isDeleted),
      );
    });
  };
  mappingRoute('/_sim/entities/project-staff', state.projectStaff, 'userId');
  mappingRoute('/_sim/entities/project-facilities', state.projectFacilities, 'facilityId');
  mappingRoute('/_sim/entities/project-resources', state.projectResources, 'productVariantId');
  app.get('/_sim/entities/files', async () =>
    [...state.files.byId.values()].map(({ bytes, ...meta }) => ({ ...meta, size: bytes.length })),
  );
}

/** Filters records by the query's values for the given fields (absent query values match everything). */
function matchAll(query: Query, fields: Record<string, string | null | undefined>): boolean {
  return Object.entries(fields).every(([key, value]) => query[key] === undefined || query[key] === value);
}

function list<T>(query: Query, records: StoredRecord<T>[], accept: (data: T) => boolean): Listing<T> {
  const now = Date.now();
  const offset = Number(query.offset ?? 0);
  const limit = Number(query.limit ?? 10_000);
  const matching = records.filter((record) => accept(record.data));
  return {
    total: matching.length,
    items: matching
      .slice(offset, offset + limit)
      .map((record) => ({ ...record.data, visible: isVisible(record, now) })),
  };
}
