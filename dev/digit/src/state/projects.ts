// Projects of the project service, indexed by id, reference (campaign number), boundary, both, and parent.
import { randomUUID } from 'node:crypto';
import { MultiIndex, type AuditDetails, type StoredRecord } from './records.ts';

export interface ProjectTarget {
  id: string;
  beneficiaryType: string;
  totalNo: number | null;
  targetNo: number;
  isDeleted: boolean;
  auditDetails: AuditDetails;
}

export interface ProjectAddress {
  id: string;
  tenantId: string;
  projectId: string;
  boundary: string | null;
  boundaryType: string | null;
  [field: string]: unknown;
}

export interface Project {
  id: string;
  tenantId: string;
  projectNumber: string;
  name: string | null;
  projectType: string | null;
  projectTypeId: string | null;
  projectSubType: string | null;
  department: string | null;
  description: string | null;
  referenceID: string | null;
  projectHierarchy: string;
  natureOfWork: string | null;
  address: ProjectAddress | null;
  startDate: number | null;
  endDate: number | null;
  isTaskEnabled: boolean;
  parent: string | null;
  targets: ProjectTarget[];
  documents: unknown[];
  additionalDetails: unknown;
  isDeleted: boolean;
  rowVersion: number;
  auditDetails: AuditDetails;
}

export type ProjectRecord = StoredRecord<Project>;

export class ProjectStore {
  readonly byId = new Map<string, ProjectRecord>();
  /** Every record ever stored, per tenant, including deleted ones. */
  readonly all = new MultiIndex<Project>();
  /** Indexes below hold active (not deleted) projects only. */
  readonly active = new MultiIndex<Project>();
  readonly byReference = new MultiIndex<Project>();
  readonly byBoundary = new MultiIndex<Project>();
  readonly byReferenceAndBoundary = new MultiIndex<Project>();
  readonly byParent = new MultiIndex<Project>();

  add(record: ProjectRecord): void {
    this.byId.set(record.data.id, record);
    this.all.add(record.data.tenantId, record);
    if (!record.data.isDeleted) this.indexActive(record);
  }

  /** Replaces a project's data, moving it between index keys when its keys changed. */
  replace(record: ProjectRecord, next: Project): void {
    if (!record.data.isDeleted) this.unindexActive(record);
    record.data = next;
    if (!next.isDeleted) this.indexActive(record);
  }

  get(id: string): ProjectRecord | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  clear(): void {
    this.byId.clear();
    for (const index of [this.all, this.active, this.byReference, this.byBoundary]) index.clear();
    this.byReferenceAndBoundary.clear();
    this.byParent.clear();
  }

  private indexActive(record: ProjectRecord): void {
    for (const [index, key] of this.keys(record.data)) index.add(key, record);
  }

  private unindexActive(record: ProjectRecord): void {
    for (const [index, key] of this.keys(record.data)) index.remove(key, record);
  }

  private keys(project: Project): Array<[MultiIndex<Project>, string]> {
    const tenant = project.tenantId;
    const boundary = project.address?.boundary ?? null;
    const keys: Array<[MultiIndex<Project>, string]> = [[this.active, tenant]];
    if (project.referenceID) keys.push([this.byReference, referenceKey(tenant, project.referenceID)]);
    if (boundary) keys.push([this.byBoundary, boundaryKey(tenant, boundary)]);
    if (project.referenceID && boundary) {
      keys.push([this.byReferenceAndBoundary, referenceBoundaryKey(tenant, project.referenceID, boundary)]);
    }
    if (project.parent) keys.push([this.byParent, project.parent]);
    return keys;
  }
}

export const referenceKey = (tenant: string, reference: string): string => `${tenant}|${reference}`;
export const boundaryKey = (tenant: string, boundary: string): string => `${tenant}|${boundary}`;
export const referenceBoundaryKey = (tenant: string, reference: string, boundary: string): string =>
  `${tenant}|${reference}|${boundary}`;

export function newTargetId(): string {
  return randomUUID();
}
