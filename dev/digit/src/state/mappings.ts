// Project mappings (staff, facility, resource): a project id paired with a user, facility or product
// variant. Active mappings are indexed by project, by the other side and by the pair; `all` keeps every
// mapping per tenant, deleted ones too.
import { MultiIndex, type AuditDetails, type StoredRecord } from './records.ts';

export interface Mapping {
  id: string;
  tenantId: string;
  projectId: string;
  isDeleted: boolean;
  rowVersion: number;
  auditDetails: AuditDetails;
  [field: string]: unknown;
}

export type MappingRecord = StoredRecord<Mapping>;

export class MappingStore {
  readonly byId = new Map<string, MappingRecord>();
  readonly all = new MultiIndex<Mapping>();
  readonly byProject = new MultiIndex<Mapping>();
  readonly byOther = new MultiIndex<Mapping>();
  readonly byPair = new MultiIndex<Mapping>();
  private activeCount = 0;

  /** Reads the mapped side (userId, facilityId, resource.productVariantId). */
  readonly other: (mapping: Mapping) => string;

  constructor(other: (mapping: Mapping) => string) {
    this.other = other;
  }

  add(record: MappingRecord): void {
    this.byId.set(record.data.id, record);
    this.all.add(record.data.tenantId, record);
    if (!record.data.isDeleted) this.index(record, true);
  }

  markDeleted(record: MappingRecord, userUuid: string, now: number): void {
    if (record.data.isDeleted) return;
    this.index(record, false);
    record.data = {
      ...record.data,
      isDeleted: true,
      rowVersion: record.data.rowVersion + 1,
      auditDetails: { ...record.data.auditDetails, lastModifiedBy: userUuid, lastModifiedTime: now },
    };
  }

  get size(): number {
    return this.activeCount;
  }

  get deletedCount(): number {
    return this.byId.size - this.activeCount;
  }

  clear(): void {
    this.byId.clear();
    for (const index of [this.all, this.byProject, this.byOther, this.byPair]) index.clear();
    this.activeCount = 0;
  }

  private index(record: MappingRecord, add: boolean): void {
    const mapping = record.data;
    const other = this.other(mapping);
    const keys: Array<[MultiIndex<Mapping>, string]> = [
      [this.byProject, mapping.projectId],
      [this.byOther, other],
      [this.byPair, pairKey(mapping.projectId, other)],
    ];
    for (const [index, key] of keys) {
      if (add) index.add(key, record);
      else index.remove(key, record);
    }
    this.activeCount += add ? 1 : -1;
  }
}

export const pairKey = (projectId: string, other: string): string => `${projectId}|${other}`;
