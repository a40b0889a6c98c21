// What the health services' bulk creates share: the list beside RequestInfo, the size cap of the request,
// and the asynchronous processing that keeps the valid items and drops the others.
import type { ServiceName } from '../behaviour.ts';
import type { SimulatorState } from '../state/simulator-state.ts';
import { badRequest } from './envelope.ts';
import { isRecord, type DigitRequest, type Json } from './request.ts';
import type { AcceptedBulk } from './routes.ts';

/**
 * Bulk creates and project create have no item limit of their own; the service pushes the whole request
 * as one Kafka message (the bulk controllers, ProjectService.createProject), so the cap is the producer's
 * `max.request.size`, which the project and facility services leave at Kafka's default of 1 MiB (no
 * override in health-services/{project,facility}/src/main/resources/application.properties; services that
 * need more raise it, e.g. plan-service to 3 MB). A failed push becomes EVENT_BUS_FAILURE
 * (CustomKafkaTemplate in Digit-Core's tracer library), answered 400. The simulator takes the request's
 * size as received, which is close to what the service serialises; only a chunked body, whose size no
 * header declares, is serialised again to measure it.
 */
export const BULK_REQUEST_MAX_BYTES = 1_048_576;

/** Refuses a request too large for the one Kafka message the service pushes it as. */
export function requireOneKafkaMessage(digit: DigitRequest): void {
  const bytes = digit.contentLength ?? Buffer.byteLength(JSON.stringify(digit.body));
  if (bytes > BULK_REQUEST_MAX_BYTES) {
    throw badRequest('EVENT_BUS_FAILURE', 'Failed to push event onto the event bus');
  }
}

/**
 * The items of a bulk request, or a refusal of the whole request: bean validation needs a non-empty list
 * (`@NotNull @Size(min=1)` on e.g. ProjectStaffBulkRequest), and the request must fit one Kafka message.
 */
export function bulkItems(digit: DigitRequest, key: string): Json[] {
  const list = digit.body[key];
  if (!Array.isArray(list)) throw badRequest(`NotNull.${key}`, `${key} must not be null`);
  if (list.length === 0) throw badRequest(`Size.${key}`, `${key} size must be between 1 and 2147483647`);
  if (!list.every(isRecord)) throw badRequest(`INVALID_REQUEST`, `${key} must hold objects`);
  requireOneKafkaMessage(digit);
  return list;
}

export interface ItemProblem {
  code: string;
  message: string;
}

/** Why an item a `drop-items` fault struck was dropped, when it had no problem of its own. */
export const DROPPED_BY_FAULT: ItemProblem = {
  code: 'DROPPED_BY_FAULT',
  message: 'Dropped by the injected drop-items fault',
};

/**
 * Processes a bulk request as the service's Kafka consumer does, once the service's visibility delay has
 * passed: `problems` judges every item at that moment (null when valid), valid items are stored, the others
 * dropped and kept in the simulator's dropped-items list. An item struck by a `drop-items` fault is
 * dropped too, with its own problem if it has one.
 */
export function processLater(
  state: SimulatorState,
  service: ServiceName,
  accepted: AcceptedBulk,
  items: Json[],
  problems: (now: number) => Array<ItemProblem | null>,
  store: (item: Json, index: number, now: number) => void,
): void {
  const { path, droppedByFault } = accepted;
  state.queuedItems += items.length;
  state.later(service, () => {
    state.queuedItems -= items.length;
    const now = Date.now();
    problems(now).forEach((found, index) => {
      const item = items[index];
      if (!item) return;
      const problem = found ?? (droppedByFault.has(index) ? DROPPED_BY_FAULT : null);
      if (problem) state.droppedItems.push({ path, ...problem, item, droppedAt: now });
      else store(item, index, now);
    });
  });
}
