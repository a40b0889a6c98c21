// Reads and checks the user sheet of a campaign.
import type { SheetValidationContext } from './context.ts';
import { SheetErrorCode, quoted } from './errors.ts';
import {
  boundaryCodes,
  checkUnique,
  oneOf,
  optionalText,
  requiredText,
  someOf,
  textLength,
} from './fields.ts';
import {
  EMPLOYMENT_TYPES,
  PHONE_PATTERN,
  USER_NAME_LENGTH,
  USER_NAME_PATTERN,
  USER_ROLES,
  USAGES,
  USER_SHEET,
  UserColumn,
} from './format.ts';
import type { EmploymentType, Usage } from './format.ts';
import type { ReadOptions, SheetReadSummary } from './sheet-reading.ts';
import { readSingleSheet } from './single-sheet.ts';
import type { RowParser } from './single-sheet.ts';
import type { SheetInput } from './workbook-input.ts';

export type UserRole = (typeof USER_ROLES)[number];

export interface UserRow {
  rowNumber: number;
  name: string;
  phone: string;
  roles: UserRole[];
  employmentType: EmploymentType;
  usage: Usage;
  boundaryCodes: string[];
  /** Login name chosen in the sheet; generated when absent. */
  userName?: string;
  /** Set in sheets generated from an earlier campaign: the user already exists in DIGIT. */
  userServiceUuid?: string;
}

const REQUIRED_COLUMNS = [
  UserColumn.name,
  UserColumn.phone,
  UserColumn.role,
  UserColumn.employmentType,
  UserColumn.usage,
  UserColumn.boundaryCodes,
];

function userParser(context: Pick<SheetValidationContext, 'boundaries'>): RowParser<UserRow> {
  const rowOfPhone = new Map<string, number>();
  const rowOfUserName = new Map<string, number>();
  return (cells) => {
    const nameText = requiredText(cells, UserColumn.name);
    const name =
      nameText && textLength(cells, UserColumn.name, nameText, USER_NAME_LENGTH, SheetErrorCode.invalidName);
    let phone = requiredText(cells, UserColumn.phone);
    if (phone !== undefined && !PHONE_PATTERN.test(phone)) {
      cells.report(
        UserColumn.phone,
        SheetErrorCode.invalidPhone,
        `${quoted(phone)} is not a 10-digit phone number`,
      );
      phone = undefined;
    }
    checkUnique(cells, UserColumn.phone, phone, rowOfPhone, SheetErrorCode.duplicatePhone, 'phone number');
    const roles = someOf(cells, UserColumn.role, USER_ROLES, SheetErrorCode.invalidRole);
    const employmentType = oneOf(
      cells,
      UserColumn.employmentType,
      EMPLOYMENT_TYPES,
      SheetErrorCode.invalidEmploymentType,
    );
    const usage = oneOf(cells, UserColumn.usage, USAGES, SheetErrorCode.invalidUsage);
    const codes = boundaryCodes(cells, UserColumn.boundaryCodes, context.boundaries);
    let userName = optionalText(cells, UserColumn.userName);
    if (userName !== undefined && !USER_NAME_PATTERN.test(userName)) {
      const rule = '3 to 30 letters, digits, ".", "_" or "-", starting with a letter';
      cells.report(
        UserColumn.userName,
        SheetErrorCode.invalidUserName,
        `${quoted(userName)} is not a valid user name (${rule})`,
      );
      userName = undefined;
    }
    checkUnique(
      cells,
      UserColumn.userName,
      userName,
      rowOfUserName,
      SheetErrorCode.duplicateUserName,
      'user name',
    );
    const userServiceUuid = optionalText(cells, UserColumn.userServiceUuid);
    if (
      name === undefined ||
      phone === undefined ||
      roles === undefined ||
      employmentType === undefined ||
      codes === undefined ||
      usage === undefined
    ) {
      return { row: undefined, usage };
    }
    const row: UserRow = {
      rowNumber: cells.number,
      name,
      phone,
      roles,
      employmentType,
      usage,
      boundaryCodes: codes,
    };
    if (userName !== undefined) row.userName = userName;
    if (userServiceUuid !== undefined) row.userServiceUuid = userServiceUuid;
    return { row, usage };
  };
}

/**
 * Reads the user sheet (`HCM_ADMIN_CONSOLE_USER_LIST`) of a workbook, streaming: valid rows go to
 * `options.onRows` in batches, and the summary lists every error found (up to `options.maxErrors`).
 */
export async function readUserSheet(
  input: SheetInput,
  context: Pick<SheetValidationContext, 'boundaries'>,
  options: ReadOptions<UserRow> = {},
): Promise<SheetReadSummary> {
  const spec = {
    sheet: USER_SHEET,
    requiredColumns: REQUIRED_COLUMNS,
    createParser: () => userParser(context),
  };
  return readSingleSheet(input, spec, options);
}
