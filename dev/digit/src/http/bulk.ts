// What the health services' bulk creates share: the list beside RequestInfo, the size cap of the request,
// and the asynchronous processing that keeps the valid items and drops the others.
import type { ServiceName } from '../behaviour.ts';
import type { SimulatorState } from '../state/simulator-state.ts';
import { badRequest } from './envelope.ts';
import { isRecord, type DigitRequest, type Json } from './request.ts';
import { JsonText, type AcceptedBulk } from './routes.ts';

/**
 * Bulk creates, project create and HRMS create have no item limit of their own; the services push what
 * they are given as one Kafka message, so the cap is the producer's `max.request.size`, which the project,
 * facility and HRMS services leave at Kafka's default of 1 MiB (no override in
 * health-services/{project,facility}/src/main/resources/application.properties; services that need more
 * raise it, e.g. plan-service to 3 MB). A failed push becomes EVENT_BUS_FAILURE (CustomKafkaTemplate in
 * Digit-Core's tracer library).
 *
 * Two messages count: the bulk controllers push the request as received, and whoever saves the items
 * pushes them enriched — ids, audit details, row versions, and for HRMS the user the user service made —
 * beside the RequestInfo (ProjectService.createProject, ProjectStaffService.create and its siblings,
 * EmployeeService.create). The enriched message is the larger: at its limit a request carries far fewer
 * items than 1 MiB of request would.
 */
export const BULK_REQUEST_MAX_BYTES = 1_048_576;

const eventBusFailure = () => badRequest('EVENT_BUS_FAILURE', 'Failed to push event onto the event bus');

/**
 * Refuses a request too large for the one Kafka message a bulk controller pushes it as. The request's size
 * is taken as received, which is close to what the service serialises; only a chunked body, whose size no
 * header declares, is serialised again to measure it.
 */
export function requireOneKafkaMessage(digit: DigitRequest): void {
  const bytes = digit.contentLength ?? Buffer.byteLength(JSON.stringify(digit.body));
  if (bytes > BULK_REQUEST_MAX_BYTES) throw eventBusFailure();
}

/**
 * The message that saves records (the enriched items under `key`, written as `recordsJson`, beside the
 * RequestInfo), in bytes: `{"RequestInfo":…,"<key>":[…]}` counted in parts, without writing it again.
 */
function savedMessageBytes(requestInfo: Json, key: string, recordsJson: string): number {
  const frame = `{"RequestInfo":,${JSON.stringify(key)}:}`;
  return (
    Buffer.byteLength(frame) + Buffer.byteLength(JSON.stringify(requestInfo)) + Buffer.byteLength(recordsJson)
  );
}

/**
 * Pushes the enriched `records` of a synchronous create as its one Kafka message, counted on the
 * simulator's state; refuses the request with EVENT_BUS_FAILURE when the message is over the limit, before
 * anything is stored. Answers the records as written for the message, which the create answers with too.
 */
export function pushSavedRecords(
  state: SimulatorState,
  service: ServiceName,
  path: string,
  requestInfo: Json,
  key: string,
  records: readonly unknown[],
): JsonText {
  const written = new JsonText(JSON.stringify(records));
  const bytes = savedMessageBytes(requestInfo, key, written.text);
  if (bytes > BULK_REQUEST_MAX_BYTES) throw eventBusFailure();
  state.pushed(service, `POST ${path}`, records.length, bytes);
  return written;
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

/** Why the valid items of a bulk request were dropped when their enriched message was over the limit. */
export const EVENT_BUS_FAILURE: ItemProblem = {
  code: 'EVENT_BUS_FAILURE',
  message: 'Failed to push event onto the event bus',
};

/** Why an item a `drop-items` fault struck was dropped, when it had no problem of its own. */
export const DROPPED_BY_FAULT: ItemProblem = {
  code: 'DROPPED_BY_FAULT',
  message: 'Dropped by the injected drop-items fault',
};

/** A bulk request accepted for processing later. */
export interface LaterBulk<T> {
  service: ServiceName;
  accepted: AcceptedBulk;
  items: Json[];
  /** Key of the list in the request, and of the enriched items in the message that saves them. */
  listKey: string;
  problems: (now: number) => Array<ItemProblem | null>;
  build: (item: Json, index: number, now: number) => T;
  save: (records: T[]) => void;
}

/**
 * Processes a bulk request as the service's Kafka consumer does, once the service's visibility delay has
 * passed: `problems` judges every item at that moment (null when valid), the valid items are enriched by
 * `build` and saved by `save` in one message, the others dropped and kept in the simulator's dropped-items
 * list. An item struck by a `drop-items` fault is dropped too, with its own problem if it has one. When the
 * enriched message is over the Kafka limit the service saves none of them: each valid item is dropped with
 * EVENT_BUS_FAILURE, as its error handler reports them.
 */
export function processLater<T>(state: SimulatorState, bulk: LaterBulk<T>): void {
  const { service, accepted, items, listKey, problems, build, save } = bulk;
  const { path, droppedByFault, requestInfo } = accepted;
  state.queuedItems += items.length;
  state.later(service, () => {
    state.queuedItems -= items.length;
    const now = Date.now();
    const drop = (item: Json, problem: ItemProblem) =>
      state.droppedItems.push({ path, ...problem, item, droppedAt: now });
    const valid: Json[] = [];
    const records: T[] = [];
    problems(now).forEach((found, index) => {
      const item = items[index];
      if (!item) return;
      const problem = found ?? (droppedByFault.has(index) ? DROPPED_BY_FAULT : null);
      if (problem) drop(item, problem);
      else {
        valid.push(item);
        records.push(build(item, index, now));
      }
    });
    if (records.length === 0) return;
    const bytes = savedMessageBytes(requestInfo, listKey, JSON.stringify(records));
    if (bytes > BULK_REQUEST_MAX_BYTES) {
      for (const item of valid) drop(item, EVENT_BUS_FAILURE);
      return;
    }
    state.pushed(service, `POST ${path}`, records.length, bytes);
    save(records);
  });
}
