import { sleepUntil } from '../retry/backoff.ts';
import { isOutcomeUnknown } from './client.ts';

/** Writes whose outcome stayed unknown through every round: a later attempt of the chunk searches again. */
export class OutcomeStillUnknownError extends Error {
  readonly code = 'WRITE_OUTCOME_UNKNOWN';
  readonly retryable = true;
  constructor(what: string, keys: readonly string[], rounds: number) {
    super(
      `${what}: the outcome of creating ${keys.length} (${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}) stayed unknown after ${rounds} rounds`,
    );
    this.name = 'OutcomeStillUnknownError';
  }
}

export interface CreateOnceOptions<Item, Entity> {
  /** What is created, for messages: "projects", "facility Central Store", ... */
  what: string;
  items: readonly Item[];
  /** The item's natural key: what a search finds it by. */
  key: (item: Item) => string;
  /** Creates the items in one call; answers the entities created, by natural key. */
  create: (items: Item[]) => Promise<Map<string, Entity>>;
  /** Searches DIGIT for the items by natural key; answers the entities that exist and are ours. */
  search: (items: Item[]) => Promise<Map<string, Entity>>;
  /** How long DIGIT's search may lag behind a write (persister lag). */
  consistencyMs: number;
  /** Create calls before giving up on items whose outcome keeps being unknown (default 3). */
  maxRounds?: number;
  /** Called when a create's outcome is unknown, before waiting and searching. */
  onUnknown?: (error: unknown, keys: string[]) => void;
}

export interface CreateOnceResult<Item, Entity> {
  created: [Item, Entity][];
  adopted: [Item, Entity][];
}

/**
 * Searches for the items until each is found or `windowMs` (DIGIT's consistency window) has passed: soon
 * first, then less often, so that a write DIGIT applied is adopted at once, while "missing" is concluded
 * only from a search begun after the window.
 */
export async function findWithin<Item, Entity>(
  items: readonly Item[],
  key: (item: Item) => string,
  search: (items: Item[]) => Promise<Map<string, Entity>>,
  windowMs: number,
): Promise<{ found: [Item, Entity][]; missing: Item[] }> {
  const found: [Item, Entity][] = [];
  let missing = [...items];
  const deadline = Date.now() + windowMs;
  for (let delay = 50; missing.length > 0; delay *= 2) {
    await sleepUntil(Math.min(Date.now() + delay, deadline));
    const searchedAt = Date.now();
    const answer = await search(missing);
    const still: Item[] = [];
    for (const item of missing) {
      const entity = answer.get(key(item));
      if (entity === undefined) still.push(item);
      else found.push([item, entity]);
    }
    missing = still;
    if (searchedAt >= deadline) break;
  }
  return { found, missing };
}

/**
 * Creates each item exactly once although answers get lost. A create whose outcome is unknown is never
 * sent again as such: the items are searched for by natural key until DIGIT's consistency window has
 * passed, the ones found are adopted, and only the still missing ones are created again, item by item
 * within the batch. An item missing from a create's answer counts as unknown too. Other failures are
 * thrown.
 */
export async function createOnce<Item, Entity>(
  options: CreateOnceOptions<Item, Entity>,
): Promise<CreateOnceResult<Item, Entity>> {
  const { key, consistencyMs } = options;
  const maxRounds = options.maxRounds ?? 3;
  const result: CreateOnceResult<Item, Entity> = { created: [], adopted: [] };
  let pending = [...options.items];
  for (let round = 1; pending.length > 0; round++) {
    try {
      const answered = await options.create(pending);
      const unanswered: Item[] = [];
      for (const item of pending) {
        const entity = answered.get(key(item));
        if (entity === undefined) unanswered.push(item);
        else result.created.push([item, entity]);
      }
      pending = unanswered;
      if (pending.length === 0) break;
    } catch (error) {
      if (!isOutcomeUnknown(error)) throw error;
      options.onUnknown?.(error, pending.map(key));
    }
    const { found, missing } = await findWithin(pending, key, options.search, consistencyMs);
    result.adopted.push(...found);
    pending = missing;
    if (pending.length > 0 && round >= maxRounds)
      throw new OutcomeStillUnknownError(options.what, pending.map(key), round);
  }
  return result;
}
