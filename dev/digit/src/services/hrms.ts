// HRMS: employee create in batches (the whole batch fails if any employee is invalid, nothing is stored)
// and employee search by phone, codes, uuids, ids or names.
// DIGIT's egov-hrms since 2026-07 (core-services/egov-hrms: EmployeeController.create,
// EmployeeValidator.filterExistingUsernames) differs on one point: an employee whose code is already a
// user name is skipped and listed in the answer's `errors` while the others are created (202; 200 with no
// employees when every row is skipped). Here such an employee still fails the whole batch.
// EmployeeService.create pushes the enriched employees (each with the user the user service made) to Kafka
// as one message after it has created their users; a message over the limit fails the create. DIGIT then
// keeps the users without their employees, the simulator keeps neither.
import { randomUUID } from 'node:crypto';
import { PHONE_PATTERN } from '@campaign-pipeline/shared';
import type { FastifyInstance } from 'fastify';
import { pushSavedRecords } from '../http/bulk.ts';
import { badRequest, DigitError } from '../http/envelope.ts';
import {
  booleanParam,
  isRecord,
  listParam,
  readPage,
  requireUser,
  text,
  type DigitRequest,
  type Json,
  type Query,
} from '../http/request.ts';
import { digitPost, type JsonText } from '../http/routes.ts';
import {
  codeKey,
  phoneKey,
  type Employee,
  type EmployeeRecord,
  type Jurisdiction,
} from '../state/employees.ts';
import { isVisible, pageVisible } from '../state/records.ts';
import type { SimulatorState } from '../state/simulator-state.ts';

const EMPLOYEE_TYPES = new Set(['PERMANENT', 'TEMPORARY', 'CONTRACT', 'DAILYWAGES']);

const EMPLOYEE_CREATE_PATH = '/health-hrms/employees/_create';

export function registerHrmsService(app: FastifyInstance, state: SimulatorState): void {
  digitPost(app, EMPLOYEE_CREATE_PATH, (digit) => ({ Employees: createEmployees(state, digit) }));
  digitPost(app, '/health-hrms/employees/_search', (_digit, query) => ({
    Employees: searchEmployees(state, query),
  }));
}

type Problem = { code: string; message: string };

function createEmployees(state: SimulatorState, digit: DigitRequest): JsonText {
  const creator = requireUser(digit);
  const input = digit.body.Employees;
  if (!Array.isArray(input) || input.length === 0)
    throw badRequest('NotNull.employees', 'Employees must not be empty');
  if (!input.every(isRecord)) throw badRequest('NotNull.employees', 'Employees must be objects');
  const employees = input as Json[];
  const problems = new Map<string, string>();
  const note = (problem: Problem): void => {
    if (!problems.has(problem.code)) problems.set(problem.code, problem.message);
  };
  const phonesInBatch = new Set<string>();
  const codesInBatch = new Set<string>();
  for (const employee of employees) {
    for (const problem of employeeProblems(state, employee)) note(problem);
    const tenantId = text(employee.tenantId) ?? '';
    const user = isRecord(employee.user) ? employee.user : {};
    const phone = text(user.mobileNumber);
    if (phone) {
      if (phonesInBatch.has(phone)) {
        note({
          code: 'ERR_HRMS_BULK_CREATE_DUPLICATE_MOBILE',
          message: `Bulk request has duplicate mobile number ${phone}`,
        });
      }
      phonesInBatch.add(phone);
      // The user service answers from its database at once: an existing phone is always seen.
      if (state.employees.byPhone.get(phoneKey(tenantId, phone)).length > 0) {
        note({
          code: 'ERR_HRMS_USER_EXIST_MOB',
          message:
            'User already exists for the entered mobile number. Use a different mobile number to proceed.',
        });
      }
    }
    const userName = text(employee.code) ?? text(user.userName);
    if (userName) {
      if (codesInBatch.has(userName.toLowerCase())) {
        note({
          code: 'ERR_HRMS_BULK_CREATE_DUPLICATE_EMPCODE',
          message: `Bulk request has duplicate employee code ${userName}`,
        });
      }
      codesInBatch.add(userName.toLowerCase());
      if (state.employees.byCode.get(codeKey(tenantId, userName)).length > 0) {
        note({
          code: 'ERR_HRMS_USER_EXIST_USERNAME',
          message: 'User already exists for the entered user name.',
        });
      }
    }
  }
  if (problems.size > 0) {
    throw new DigitError(
      400,
      [...problems].map(([code, message]) => ({ code, message })),
    );
  }
  const now = Date.now();
  const created = employees.map((fields) => buildEmployee(state, fields, creator, now));
  const written = pushSavedRecords(
    state,
    'hrms',
    EMPLOYEE_CREATE_PATH,
    digit.requestInfo,
    'Employees',
    created,
  );
  const visibleAt = state.visibleAt('employee', now);
  for (const data of created) state.employees.add({ data, visibleAt });
  return written;
}

function employeeProblems(state: SimulatorState, employee: Json): Problem[] {
  const problems: Problem[] = [];
  const tenantId = text(employee.tenantId);
  if (!tenantId) problems.push({ code: 'NotNull.employees.tenantId', message: 'tenantId must not be null' });
  const user = employee.user;
  if (!isRecord(user))
    return [...problems, { code: 'NotNull.employees.user', message: 'user must not be null' }];
  if (!text(user.name))
    problems.push({ code: 'NotNull.employees.user.name', message: 'name must not be null' });
  const phone = text(user.mobileNumber);
  if (!phone || !PHONE_PATTERN.test(phone)) {
    problems.push({ code: 'ERR_HRMS_INVALID_MOB_NO', message: 'Invalid mobile number entered.' });
  }
  if (!Array.isArray(user.roles) || user.roles.length === 0) {
    problems.push({ code: 'ERR_HRMS_MISSING_ROLES', message: 'An employee must have atleast one role!' });
  } else if (!user.roles.every((role) => isRecord(role) && text(role.code))) {
    problems.push({ code: 'ERR_HRMS_INVALID_ROLE', message: 'Invalid role assigned to the employee.' });
  }
  const employeeType = text(employee.employeeType);
  if (!employeeType || !EMPLOYEE_TYPES.has(employeeType)) {
    problems.push({ code: 'ERR_HRMS_INVALID_EMP_TYPE', message: 'Invalid employee type entered.' });
  }
  const jurisdictions = employee.jurisdictions;
  if (!Array.isArray(jurisdictions) || jurisdictions.length === 0) {
    problems.push({
      code: 'ERR_HRMS_INVALID_JURISDICTION_ACTIIEV_NULL',
      message: 'Jurisiction should have atleast 1 active data',
    });
    return problems;
  }
  for (const jurisdiction of jurisdictions) {
    if (!isRecord(jurisdiction)) continue;
    const hierarchy = state.hierarchy(tenantId ?? '', text(jurisdiction.hierarchy) ?? '');
    if (!hierarchy) {
      problems.push({
        code: 'ERR_HRMS_INVALID_JURISDICTION_HEIRARCHY',
        message: 'Jurisiction hierarchy value is invalid.',
      });
      continue;
    }
    const boundaryType = text(jurisdiction.boundaryType);
    if (!boundaryType || !hierarchy.codesByType.has(boundaryType)) {
      problems.push({
        code: 'ERR_HRMS_INVALID_BOUNDARY_TYPE_HEIRARCHY',
        message: 'Jurisiction boundary type value is invalid.',
      });
    }
    const boundary = hierarchy.byCode.get(text(jurisdiction.boundary) ?? '');
    if (!boundary || boundary.node.boundaryType !== boundaryType) {
      problems.push({
        code: 'ERR_HRMS_INVALID_JURISDICTION_BOUNDARY',
        message: 'Jurisiction boundary value is invalid.',
      });
    }
  }
  return problems;
}

function buildEmployee(state: SimulatorState, fields: Json, creator: string, now: number): Employee {
  const tenantId = text(fields.tenantId) ?? '';
  const user = isRecord(fields.user) ? fields.user : {};
  const id = state.employees.allocateId();
  const code =
    text(fields.code) ??
    `EMP-${tenantId.toUpperCase()}-${String(state.ids.next('hrms.employee.code')).padStart(6, '0')}`;
  const uuid = randomUUID();
  const audit = { createdBy: creator, lastModifiedBy: creator, createdTime: now, lastModifiedTime: now };
  const roles = (Array.isArray(user.roles) ? user.roles.filter(isRecord) : []).map((role) => ({
    name: text(role.name) ?? text(role.code) ?? '',
    code: text(role.code) ?? '',
    tenantId: text(role.tenantId) ?? tenantId,
  }));
  const jurisdictions: Jurisdiction[] = (
    Array.isArray(fields.jurisdictions) ? fields.jurisdictions.filter(isRecord) : []
  ).map((j) => ({
    id: randomUUID(),
    hierarchy: text(j.hierarchy) ?? '',
    boundary: text(j.boundary) ?? '',
    boundaryType: text(j.boundaryType) ?? '',
    tenantId: text(j.tenantId) ?? tenantId,
    isActive: true,
    auditDetails: audit,
  }));
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  return {
    id,
    uuid,
    code,
    tenantId,
    employeeStatus: text(fields.employeeStatus) ?? 'EMPLOYED',
    employeeType: text(fields.employeeType) ?? '',
    ...(text(fields.status) ? { status: text(fields.status) } : {}),
    dateOfAppointment: typeof fields.dateOfAppointment === 'number' ? fields.dateOfAppointment : null,
    jurisdictions,
    assignments: list(fields.assignments),
    serviceHistory: list(fields.serviceHistory),
    education: list(fields.education),
    tests: list(fields.tests),
    documents: list(fields.documents),
    deactivationDetails: [],
    reactivationDetails: [],
    isActive: true,
    user: {
      ...user,
      id,
      uuid,
      userServiceUuid: uuid,
      userName: text(user.userName) ?? code,
      name: text(user.name) ?? '',
      mobileNumber: text(user.mobileNumber) ?? '',
      password: null,
      type: 'EMPLOYEE',
      active: true,
      tenantId: text(user.tenantId) ?? tenantId,
      roles,
    },
    auditDetails: audit,
  };
}

function searchEmployees(state: SimulatorState, query: Query): Employee[] {
  const tenantId = query.tenantId;
  if (!tenantId) {
    throw badRequest(
      'ERR_HRMS_INVALID_SEARCH_USER',
      'For search based on phone number and name, passing of tenant id is mandatory.',
    );
  }
  const page = readPage(query, 10_000, false, 100);
  const phone = query.phone;
  const codes = listParam(query.codes).map((code) => code.toLowerCase());
  const uuids = listParam(query.uuids);
  const ids = listParam(query.ids).map(Number);
  const names = listParam(query.names);
  const isActive = query.isActive === undefined ? undefined : booleanParam(query.isActive, true);
  const { employees } = state;
  const single = (record: EmployeeRecord | undefined): EmployeeRecord[][] => (record ? [[record]] : []);
  const lists: Array<readonly EmployeeRecord[]> = phone
    ? [employees.byPhone.get(phoneKey(tenantId, phone))]
    : uuids.length > 0
      ? uuids.flatMap((uuid) => single(employees.byUuid.get(uuid)))
      : codes.length > 0
        ? codes.map((code) => employees.byCode.get(codeKey(tenantId, code)))
        : ids.length > 0
          ? ids.flatMap((id) => single(employees.byId.get(id)))
          : [employees.byTenant.get(tenantId)];
  const codeSet = codes.length > 0 ? new Set(codes) : null;
  const uuidSet = uuids.length > 0 ? new Set(uuids) : null;
  const idSet = ids.length > 0 ? new Set(ids) : null;
  const nameSet = names.length > 0 ? new Set(names) : null;
  const now = Date.now();
  const accept = (record: EmployeeRecord): boolean => {
    const e = record.data;
    return (
      isVisible(record, now) &&
      e.tenantId === tenantId &&
      (phone === undefined || e.user.mobileNumber === phone) &&
      (codeSet === null || codeSet.has(e.code.toLowerCase())) &&
      (uuidSet === null || uuidSet.has(e.user.uuid)) &&
      (idSet === null || idSet.has(e.id)) &&
      (nameSet === null || nameSet.has(e.user.name)) &&
      (isActive === undefined || e.isActive === isActive)
    );
  };
  return pageVisible(lists, now, page, accept).items;
}
