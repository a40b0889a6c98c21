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

// Row-2 headers the writers put under the keys. DIGIT localises these per tenant; English is what the
// pipeline writes when it generates a sheet itself.
export const FACILITY_COLUMN_LABELS: Readonly<Record<string, string>> = {
  [FacilityColumn.code]: 'Facility Code',
  [FacilityColumn.name]: 'Facility Name',
  [FacilityColumn.type]: 'Facility Type',
  [FacilityColumn.status]: 'Facility Status',
  [FacilityColumn.capacity]: 'Capacity',
  [FacilityColumn.boundaryCodes]: 'Boundary Code (Mandatory)',
  [FacilityColumn.usage]: 'Facility Usage',
};
export const USER_COLUMN_LABELS: Readonly<Record<string, string>> = {
  [UserColumn.name]: 'Name of the Person (Mandatory)',
  [UserColumn.phone]: 'Phone Number (Mandatory)',
  [UserColumn.role]: 'Role (Mandatory)',
  [UserColumn.employmentType]: 'Employment Type (Mandatory)',
  [UserColumn.usage]: 'Active / Inactive',
  [UserColumn.boundaryCodes]: 'Boundary Code (Mandatory)',
  [UserColumn.userName]: 'User Name',
  [UserColumn.userServiceUuid]: 'User Service Uuid',
};
export const TARGET_BOUNDARY_CODE_LABEL = 'Boundary Code';
export const STATUS_COLUMN_LABEL = 'Status';
export const ERROR_DETAILS_COLUMN_LABEL = 'Error Details';

export const USER_NAME_LENGTH = { min: 2, max: 128 } as const;
/** Optional target columns may hold 0 (nothing of that kind to deliver); required ones may not. */
export const OPTIONAL_TARGET_RANGE = { min: 0, max: TARGET_RANGE.max } as const;
/** Characters Excel refuses in a sheet name. */
export const INVALID_SHEET_NAME_CHARACTERS = /[[\]:*?/\\]/;
