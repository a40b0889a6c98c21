// Sheet names and column keys of DIGIT's campaign templates. Row 1 holds these keys (hidden), row 2 the
// localised headers, data starts at row 3. Readers match columns by key, never by position.

export const HEADER_KEY_ROW = 1;
export const HEADER_LABEL_ROW = 2;
export const FIRST_DATA_ROW = 3;

export const STATUS_COLUMN = '#status#';
export const ERROR_DETAILS_COLUMN = '#errorDetails#';

/** Excel refuses sheet names longer than this. */
export const MAX_SHEET_NAME_LENGTH = 31;

export const FACILITY_SHEET = 'HCM_ADMIN_CONSOLE_FACILITIES';
export const FacilityColumn = {
  code: 'HCM_ADMIN_CONSOLE_FACILITY_CODE',
  name: 'HCM_ADMIN_CONSOLE_FACILITY_NAME',
  type: 'HCM_ADMIN_CONSOLE_FACILITY_TYPE',
  status: 'HCM_ADMIN_CONSOLE_FACILITY_STATUS',
  capacity: 'HCM_ADMIN_CONSOLE_FACILITY_CAPACITY',
  boundaryCodes: 'HCM_ADMIN_CONSOLE_BOUNDARY_CODE_MANDATORY',
  usage: 'HCM_ADMIN_CONSOLE_FACILITY_USAGE',
} as const;
export const FACILITY_TYPES = ['Warehouse', 'Health Facility', 'Storing Resource'] as const;
export const FACILITY_STATUSES = ['Temporary', 'Permanent'] as const;
export const FACILITY_CAPACITY_RANGE = { min: 1, max: 100_000_000 } as const;

export const USER_SHEET = 'HCM_ADMIN_CONSOLE_USER_LIST';
export const UserColumn = {
  name: 'HCM_ADMIN_CONSOLE_USER_NAME',
  phone: 'HCM_ADMIN_CONSOLE_USER_PHONE_NUMBER',
  role: 'HCM_ADMIN_CONSOLE_USER_ROLE',
  employmentType: 'HCM_ADMIN_CONSOLE_USER_EMPLOYMENT_TYPE',
  usage: 'HCM_ADMIN_CONSOLE_USER_USAGE',
  boundaryCodes: 'HCM_ADMIN_CONSOLE_BOUNDARY_CODE_MANDATORY',
  userName: 'UserName',
  userServiceUuid: 'UserService Uuids',
} as const;
export const USER_ROLES = ['DISTRIBUTOR', 'REGISTRAR', 'SUPERVISOR', 'DISTRICT_SUPERVISOR'] as const;
export const EMPLOYMENT_TYPES = ['Temporary', 'Permanent'] as const;
export const USER_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9._-]{2,29}$/;
export const PHONE_PATTERN = /^[0-9]{10}$/;

export const USAGES = ['Active', 'Inactive'] as const;

/**
 * Target workbook: one sheet per boundary of the split level (named by that boundary's code). Its columns
 * are one per hierarchy level (key = the boundary type, value = the boundary code at that level), the
 * boundary code of the row's lowest-level boundary, and the project type's target columns.
 */
export const TargetColumn = {
  boundaryCode: 'HCM_ADMIN_CONSOLE_BOUNDARY_CODE',
  target: 'HCM_ADMIN_CONSOLE_TARGET',
} as const;
export const TARGET_RANGE = { min: 1, max: 1_000_000 } as const;

export type Usage = (typeof USAGES)[number];
export type FacilityType = (typeof FACILITY_TYPES)[number];
export type FacilityStatus = (typeof FACILITY_STATUSES)[number];
export type EmploymentType = (typeof EMPLOYMENT_TYPES)[number];
