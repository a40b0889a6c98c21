// Facilities of the facility service, indexed by id, tenant and name.
import { MultiIndex, type AuditDetails, type StoredRecord } from './records.ts';

export interface Facility {
  id: string;
  tenantId: string;
  clientReferenceId: string | null;
  isPermanent: boolean;
  name: string;
  usage: string | null;
  storageCapacity: number | null;
  address: Record<string, unknown> | null;
  additionalFields: unknown;
  isDeleted: boolean;
  rowVersion: number;
  auditDetails: AuditDetails;
}

export type FacilityRecord = StoredRecord<Facility>;

export class FacilityStore {
  readonly byId = new Map<string, FacilityRecord>();
  readonly byTenant = new MultiIndex<Facility>();
  readonly byName = new MultiIndex<Facility>();
  /** By tenant and the client's own reference, which DIGIT's offline search models find facilities by. */
  readonly byClientReference = new MultiIndex<Facility>();

  add(record: FacilityRecord): void {
    this.byId.set(record.data.id, record);
    this.byTenant.add(record.data.tenantId, record);
    this.byName.add(nameKey(record.data.tenantId, record.data.name), record);
    if (record.data.clientReferenceId)
      this.byClientReference.add(nameKey(record.data.tenantId, record.data.clientReferenceId), record);
  }

  get size(): number {
    return this.byId.size;
  }

  clear(): void {
    this.byId.clear();
    this.byTenant.clear();
    this.byName.clear();
    this.byClientReference.clear();
  }
}

export const nameKey = (tenant: string, name: string): string => `${tenant}|${name}`;
