// The credentials workbook a campaign manager downloads after creation: one row per created user with the
// user name and initial password. It holds secrets: it is written only in memory, only for a campaign
// manager of the campaign's tenant, and never logged.
import { writeDataRow, writeHeader, writeWorkbook } from './workbook-output.ts';

// Excel allows 31 characters in a sheet name.
export const CREDENTIALS_SHEET = 'HCM_ADMIN_CONSOLE_CREDENTIALS';

export interface CredentialsRow {
  name: string;
  phone: string;
  userName: string;
  /** Null when the password is not known (the user existed before the campaign, or no key was set). */
  password: string | null;
  roles: readonly string[];
  boundaryCodes: readonly string[];
}

const KEYS = [
  'HCM_ADMIN_CONSOLE_USER_NAME',
  'HCM_ADMIN_CONSOLE_USER_PHONE_NUMBER',
  'UserName',
  'Password',
  'HCM_ADMIN_CONSOLE_USER_ROLE',
  'HCM_ADMIN_CONSOLE_BOUNDARY_CODE_MANDATORY',
];
const LABELS = ['Name', 'Phone Number', 'User Name', 'Password', 'Role', 'Boundary Code'];

export async function writeCredentialsSheet(rows: readonly CredentialsRow[]): Promise<Buffer> {
  const bytes = await writeWorkbook(undefined, async (workbook) => {
    const sheet = workbook.addWorksheet(CREDENTIALS_SHEET);
    writeHeader(sheet, KEYS, LABELS);
    let index = 0;
    for (const row of rows) {
      const values = [row.name, row.phone, row.userName, row.password ?? '', row.roles.join(',')];
      await writeDataRow(sheet, [...values, row.boundaryCodes.join(',')], index++);
    }
    sheet.commit();
  });
  return bytes as Buffer;
}
