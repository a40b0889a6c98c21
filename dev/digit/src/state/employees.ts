// HRMS employees and their users, indexed by user uuid, employee id, code (user name) and phone.
import { MultiIndex, type AuditDetails, type StoredRecord } from './records.ts';

export interface EmployeeUser {
  id: number;
  uuid: string;
  userServiceUuid: string;
  userName: string;
  name: string;
  mobileNumber: string;
  password: null;
  type: 'EMPLOYEE';
  active: boolean;
  tenantId: string;
  roles: Array<{ name: string; code: string; tenantId: string }>;
  [field: string]: unknown;
}

export interface Jurisdiction {
  id: string;
  hierarchy: string;
  boundary: string;
  boundaryType: string;
  tenantId: string;
  isActive: boolean;
  auditDetails: AuditDetails;
}

export interface Employee {
  id: number;
  uuid: string;
  code: string;
  tenantId: string;
  employeeStatus: string;
  employeeType: string;
  status?: string;
  dateOfAppointment: number | null;
  jurisdictions: Jurisdiction[];
  assignments: unknown[];
  serviceHistory: unknown[];
  education: unknown[];
  tests: unknown[];
  documents: unknown[];
  deactivationDetails: unknown[];
  reactivationDetails: unknown[];
  isActive: boolean;
  user: EmployeeUser;
  auditDetails: AuditDetails;
}

export type EmployeeRecord = StoredRecord<Employee>;

export class EmployeeStore {
  readonly byUuid = new Map<string, EmployeeRecord>();
  readonly byId = new Map<number, EmployeeRecord>();
  readonly byCode = new MultiIndex<Employee>();
  readonly byPhone = new MultiIndex<Employee>();
  readonly byTenant = new MultiIndex<Employee>();
  private nextId = 1;

  /** Employee and user ids as HRMS hands them out: ascending numbers. */
  allocateId(): number {
    return this.nextId++;
  }

  add(record: EmployeeRecord): void {
    const employee = record.data;
    this.byUuid.set(employee.user.uuid, record);
    this.byId.set(employee.id, record);
    this.byCode.add(codeKey(employee.tenantId, employee.code), record);
    this.byPhone.add(phoneKey(employee.tenantId, employee.user.mobileNumber), record);
    this.byTenant.add(employee.tenantId, record);
    this.nextId = Math.max(this.nextId, employee.id + 1);
  }

  get size(): number {
    return this.byUuid.size;
  }

  clear(): void {
    this.byUuid.clear();
    this.byId.clear();
    this.byCode.clear();
    this.byPhone.clear();
    this.byTenant.clear();
    this.nextId = 1;
  }
}

export const codeKey = (tenant: string, code: string): string => `${tenant}|${code.toLowerCase()}`;
export const phoneKey = (tenant: string, phone: string): string => `${tenant}|${phone}`;
