import { isOutcomeUnknown } from './client.ts';
import { findWithin } from './reconcile.ts';

/**
 * DIGIT's creates push what they save to Kafka as one message: the request as received (the health
 * services' bulk controllers), and its items enriched, beside its RequestInfo (whoever saves them), so the
 * producer's default `max.request.size` (1 MiB) bounds both. The enriched items are the larger.
 */
export const BULK_REQUEST_MAX_BYTES = 1024 * 1024;

/**
 * What a batch's items may take of a message, counted in their enriched forms (saved-items.ts): the rest is
 * the RequestInfo's, whose user DIGIT's gateway fills in with all of their roles (about 8 KiB for a user
 * with a hundred).
 */
export const BULK_BATCH_MAX_BYTES = BULK_REQUEST_MAX_BYTES - 16 * 1024;

/** What an item takes of a request's bytes in the form that counts: its JSON and a separating comma. */
export function itemBytes(form: unknown): number {
  return Buffer.byteLength(JSON.stringify(form)) + 1;
}

/**
 * Cuts a sequence of items into runs of at most `maxItems` items and `maxBytes` bytes, in order: the
 * requests of a create, or intake's chunks of them.
 */
export class RequestCutter {
  readonly #maxItems: number;
  readonly #maxBytes: number;
  #items = 0;
  #bytes = 0;

  constructor(maxItems: number, maxBytes: number) {
    this.#maxItems = maxItems;
    this.#maxBytes = maxBytes;
  }

  /** Takes the next item, of `bytes`; answers whether it begins a run (the first item always does). */
  begins(bytes: number): boolean {
    const begins = this.#items === 0 || this.#items >= this.#maxItems || this.#bytes + bytes > this.#maxBytes;
    if (begins) {
      this.#items = 0;
      this.#bytes = 0;
    }
    this.#items++;
    this.#bytes += bytes;
    return begins;
  }
}

/**
 * Splits items into batches of at most `maxItems` whose JSON stays within `maxBytes`; `saved` names the
 * form of an item that counts: what DIGIT saves of it, when not the item itself.
 */
export function bulkBatches<T>(
  items: readonly T[],
  maxItems: number,
  maxBytes: number = BULK_BATCH_MAX_BYTES,
  saved: (item: T) => unknown = (item) => item,
): T[][] {
  const batches: T[][] = [];
  const cutter = new RequestCutter(maxItems, maxBytes);
  for (const item of items) {
    if (cutter.begins(itemBytes(saved(item)))) batches.push([]);
    (batches[batches.length - 1] as T[]).push(item);
  }
  return batches;
}

export interface BulkCreateOptions<Item, Entity> {
  items: readonly Item[];
  /** The item's natural key: what a search finds it by. */
  key: (item: Item) => string;
  batchSize: number;
  /** The item as DIGIT saves it (saved-items.ts): batches are cut by its bytes too. */
  saved: (item: Item) => unknown;
  /** Sends one batch to the bulk endpoint (DIGIT answers 202 and saves it later). */
  send: (batch: Item[]) => Promise<void>;
  /** Searches DIGIT for the items by natural key; answers the entities found, by key. */
  search: (items: Item[]) => Promise<Map<string, Entity>>;
  /** How long DIGIT may take to make a saved item searchable. */
  consistencyMs: number;
  /** Sends of one item whose outcome stays unknown before it is left to the caller (default 3). */
  maxRounds?: number;
  onUnknown?: (error: unknown, batch: Item[]) => void;
}

export interface BulkCreateResult<Item, Entity> {
  found: [Item, Entity][];
  /**
   * Items DIGIT did not show within the window although their batch was accepted (dropped as invalid,
   * or not saved in time), and items whose batch's outcome stayed unknown through every round.
   */
  missing: Item[];
}

/**
 * Creates items through a bulk endpoint, which answers without ids and saves asynchronously, dropping
 * invalid items without a word: sends the batches, then learns what DIGIT saved by searching, sooner
 * first and then less often, until every item is found or the consistency window has passed. A batch
 * whose outcome is unknown is never sent again as such: the search tells what DIGIT saved of it, and
 * only its items still missing after the window are sent again, in bulk, in the next round. The caller
 * settles the missing items one by one, through the single create whose answer names a refusal's reason.
 */
export async function bulkCreateThenFind<Item, Entity>(
  options: BulkCreateOptions<Item, Entity>,
): Promise<BulkCreateResult<Item, Entity>> {
  const maxRounds = options.maxRounds ?? 3;
  const found: [Item, Entity][] = [];
  const missing: Item[] = [];
  let toSend = [...options.items];
  for (let round = 1; toSend.length > 0; round++) {
    const unknown = new Set<Item>();
    // Side by side: the DIGIT client's budget for the service decides how many are in flight.
    const batches = bulkBatches(toSend, options.batchSize, BULK_BATCH_MAX_BYTES, options.saved);
    const sent = await Promise.allSettled(batches.map((batch) => options.send(batch)));
    sent.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') return;
      if (!isOutcomeUnknown(outcome.reason)) throw outcome.reason;
      const batch = batches[index] as Item[];
      options.onUnknown?.(outcome.reason, batch);
      batch.forEach((item) => unknown.add(item));
    });
    const searched = await findWithin(toSend, options.key, options.search, options.consistencyMs);
    found.push(...searched.found);
    const resend = searched.missing.filter((item) => unknown.has(item));
    missing.push(...searched.missing.filter((item) => !unknown.has(item)));
    if (round >= maxRounds) {
      missing.push(...resend);
      break;
    }
    toSend = resend;
  }
  return { found, missing };
}
