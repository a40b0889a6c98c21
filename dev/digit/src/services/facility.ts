// Facility service: create, bulk create and search (by id list, name, usage, ...).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { bulkItems, processLater, type ItemProblem } from '../http/bulk.ts';
import { badRequest } from '../http/envelope.ts';
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
import { nameKey, type Facility, type FacilityRecord } from '../state/facilities.ts';
import { formatId } from '../state/id-sequences.ts';
import { pageVisible } from '../state/records.ts';
import type { SimulatorState } from '../state/simulator-state.ts';

const FACILITY_ID_FORMAT = 'F-[cy:yyyy-MM-dd]-[SEQ_FACILITY_ID]';

export function registerFacilityService(app: FastifyInstance, state: SimulatorState): void {
  digitPost(app, '/facility/v1/_create', (digit) => ({ Facility: createFacility(state, digit) }));
  digitAccept(app, '/facility/v1/bulk/_create', (digit, accepted) =>
    bulkCreateFacilities(state, digit, accepted),
  );
  digitPost(app, '/facility/v1/_search', (digit, query) => searchFacilities(state, digit, query));
}

function createFacility(state: SimulatorState, digit: DigitRequest): Facility {
  const user = requireUser(digit);
  const payload = digit.body.Facility;
  if (!isRecord(payload)) throw badRequest('NotNull.facility', 'Facility must not be null');
  const tenantId = requiredTenant(payload);
  const problem = boundaryProblem(state, tenantId, payload);
  if (problem) throw badRequest(problem.code, problem.message);
  const now = Date.now();
  return storeFacility(state, payload, tenantId, user, now, state.visibleAt('facility', now));
}

/**
 * Accepted at once; the consumer (FacilityService.create(request, isBulk = true)) checks each facility's
 * locality against the boundary service and saves the others: a facility with an unknown boundary in its
 * tenant is dropped.
 */
function bulkCreateFacilities(state: SimulatorState, digit: DigitRequest, accepted: AcceptedBulk): void {
  const user = requireUser(digit);
  const items = bulkItems(digit, 'Facilities');
  const tenants = items.map(requiredTenant);
  const visibleAt = state.visibleAt('facility', Date.now());
  processLater(state, {
    service: 'facility',
    accepted,
    items,
    listKey: 'Facilities',
    problems: () => items.map((item, i) => boundaryProblem(state, tenants[i] ?? '', item)),
    build: (item, i, now) => buildFacility(state, item, tenants[i] ?? '', user, now),
    save: (facilities) => {
      for (const facility of facilities) state.facilities.add({ data: facility, visibleAt });
    },
  });
}

function requiredTenant(payload: Json): string {
  const tenantId = text(payload.tenantId);
  if (!tenantId) throw badRequest('NotNull.facility.tenantId', 'tenantId must not be null');
  return tenantId;
}

/** FBoundaryValidator: the locality, when given, must be a boundary of the facility's tenant. */
function boundaryProblem(state: SimulatorState, tenantId: string, payload: Json): ItemProblem | null {
  const address = isRecord(payload.address) ? payload.address : null;
  const locality = address && isRecord(address.locality) ? text(address.locality.code) : undefined;
  if (!locality || state.boundary(tenantId, locality)) return null;
  return { code: 'NON_EXISTENT_ENTITY', message: 'Boundary code does not exist in db' };
}

function storeFacility(
  state: SimulatorState,
  payload: Json,
  tenantId: string,
  user: string,
  now: number,
  visibleAt: number,
): Facility {
  const facility = buildFacility(state, payload, tenantId, user, now);
  state.facilities.add({ data: facility, visibleAt });
  return facility;
}

/** The facility as the service enriches it: its idgen id, audit details, row version, its address a UUID. */
function buildFacility(
  state: SimulatorState,
  payload: Json,
  tenantId: string,
  user: string,
  now: number,
): Facility {
  const address = isRecord(payload.address) ? payload.address : null;
  const id = formatId(FACILITY_ID_FORMAT, () => state.ids.next('facility.id'), tenantId, new Date(now));
  return {
    ...payload,
    id,
    tenantId,
    clientReferenceId: text(payload.clientReferenceId) ?? null,
    isPermanent: payload.isPermanent !== false,
    name: text(payload.name) ?? '',
    usage: text(payload.usage) ?? null,
    storageCapacity: typeof payload.storageCapacity === 'number' ? payload.storageCapacity : null,
    address: address ? { ...address, id: randomUUID(), tenantId: text(address.tenantId) ?? tenantId } : null,
    additionalFields: payload.additionalFields ?? null,
    isDeleted: false,
    rowVersion: 1,
    auditDetails: { createdBy: user, lastModifiedBy: user, createdTime: now, lastModifiedTime: now },
  };
}

function searchFacilities(state: SimulatorState, digit: DigitRequest, query: Query): Json {
  const { tenantId, ...page } = requirePage(query);
  const criteria = digit.body.Facility;
  if (!isRecord(criteria)) throw badRequest('NotNull.facility', 'Facility must not be null');
  const includeDeleted = booleanParam(query.includeDeleted, false);
  const ids = stringList(criteria.id);
  // FacilitySearch extends DIGIT's offline search model: a list of ids or of client references.
  const references = stringList(criteria.clientReferenceId);
  const name = text(criteria.name);
  const usage = text(criteria.usage);
  const isPermanent = typeof criteria.isPermanent === 'boolean' ? criteria.isPermanent : undefined;
  const lists: Array<readonly FacilityRecord[]> =
    ids.length > 0
      ? ids
          .map((id) => state.facilities.byId.get(id))
          .filter((r): r is FacilityRecord => r !== undefined)
          .map((r) => [r])
      : references.length > 0
        ? references.map((reference) => state.facilities.byClientReference.get(nameKey(tenantId, reference)))
        : name
          ? [state.facilities.byName.get(nameKey(tenantId, name))]
          : [state.facilities.byTenant.get(tenantId)];
  const accept = (record: FacilityRecord): boolean => {
    const facility = record.data;
    return (
      facility.tenantId === tenantId &&
      (includeDeleted || !facility.isDeleted) &&
      (name === undefined || facility.name === name) &&
      (usage === undefined || facility.usage === usage) &&
      (isPermanent === undefined || facility.isPermanent === isPermanent)
    );
  };
  const { items, total } = pageVisible(lists, Date.now(), page, accept);
  return { Facilities: items, TotalCount: total };
}
