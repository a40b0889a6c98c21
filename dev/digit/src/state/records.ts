// Stored entities and the indexes over them. Records keep creation order, and `visibleAt` never decreases
// within one kind (a persister works through its queue in order), so the records of any index that search
// may see are a prefix found by binary search: no scans in the hot paths.

export interface StoredRecord<T> {
  data: T;
  /** Epoch ms from which search and reference checks see the record. */
  visibleAt: number;
}

/** Hands out visibility times that never go backwards. */
export class VisibilityClock {
  private last = 0;

  stamp(delayMs: number, now: number = Date.now()): number {
    this.last = Math.max(now + delayMs, this.last);
    return this.last;
  }

  reset(): void {
    this.last = 0;
  }
}

export function isVisible(record: StoredRecord<unknown>, now: number): boolean {
  return record.visibleAt <= now;
}

/** How many leading records are visible at `now`. */
export function visibleCount(records: readonly StoredRecord<unknown>[], now: number): number {
  let low = 0;
  let high = records.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const record = records[mid];
    if (record !== undefined && record.visibleAt <= now) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Key → records in creation order. */
export class MultiIndex<T> {
  private readonly map = new Map<string, StoredRecord<T>[]>();

  /** Appends, or inserts where its visibility time keeps the list ordered (a re-indexed old record). */
  add(key: string, record: StoredRecord<T>): void {
    const list = this.map.get(key);
    if (!list) {
      this.map.set(key, [record]);
      return;
    }
    const last = list[list.length - 1];
    if (last === undefined || last.visibleAt <= record.visibleAt) list.push(record);
    else list.splice(visibleCount(list, record.visibleAt), 0, record);
  }

  remove(key: string, record: StoredRecord<T>): void {
    const list = this.map.get(key);
    if (!list) return;
    const at = list.lastIndexOf(record);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.map.delete(key);
  }

  get(key: string): readonly StoredRecord<T>[] {
    return this.map.get(key) ?? [];
  }

  /** Keys holding more than one record, with those records. */
  *groupsOfMany(): Generator<[string, readonly StoredRecord<T>[]]> {
    for (const entry of this.map) if (entry[1].length > 1) yield entry;
  }

  clear(): void {
    this.map.clear();
  }
}

/** The visible records among `candidates` (each list creation-ordered), paged. */
export function pageVisible<T>(
  lists: ReadonlyArray<readonly StoredRecord<T>[]>,
  now: number,
  page: { offset: number; limit: number },
  accept?: (record: StoredRecord<T>) => boolean,
): { items: T[]; total: number } {
  const only = lists.length === 1 ? lists[0] : undefined;
  if (only && !accept) {
    const total = visibleCount(only, now);
    const end = Math.min(total, page.offset + page.limit);
    const items: T[] = [];
    for (let i = page.offset; i < end; i++) {
      const record = only[i];
      if (record) items.push(record.data);
    }
    return { items, total };
  }
  const items: T[] = [];
  let total = 0;
  const seen = lists.length > 1 ? new Set<StoredRecord<T>>() : null;
  for (const list of lists) {
    const visible = visibleCount(list, now);
    for (let i = 0; i < visible; i++) {
      const record = list[i];
      if (record === undefined || (accept && !accept(record))) continue;
      if (seen) {
        if (seen.has(record)) continue;
        seen.add(record);
      }
      if (total >= page.offset && items.length < page.limit) items.push(record.data);
      total++;
    }
  }
  return { items, total };
}

export function auditDetails(userUuid: string, now: number): AuditDetails {
  return { createdBy: userUuid, lastModifiedBy: userUuid, createdTime: now, lastModifiedTime: now };
}

export interface AuditDetails {
  createdBy: string;
  lastModifiedBy: string;
  createdTime: number;
  lastModifiedTime: number;
}
