// Reads and checks the facility sheet of a campaign.
import type { SheetValidationContext } from './context.ts';
import { SheetErrorCode } from './errors.ts';
import {
  checkUnique,
  oneOf,
  optionalBoundaryCodes,
  optionalText,
  requiredText,
  wholeNumber,
} from './fields.ts';
import {
  FACILITY_CAPACITY_RANGE,
  FACILITY_SHEET,
  FACILITY_STATUSES,
  FACILITY_TYPES,
  FacilityColumn,
  USAGES,
} from './format.ts';
import type { FacilityStatus, FacilityType, Usage } from './format.ts';
import type { ReadOptions, SheetReadSummary } from './sheet-reading.ts';
import { readSingleSheet } from './single-sheet.ts';
import type { RowParser } from './single-sheet.ts';
import type { SheetInput } from './workbook-input.ts';

export interface FacilityRow {
  rowNumber: number;
  /** Id of an existing DIGIT facility, from the code column. */
  facilityId?: string;
  name: string;
  type: FacilityType;
  status: FacilityStatus;
  capacity: number;
  /** Never empty on an Active row; an Inactive one may list none. */
  boundaryCodes: string[];
  usage: Usage;
}

const REQUIRED_COLUMNS = [
  FacilityColumn.name,
  FacilityColumn.type,
  FacilityColumn.status,
  FacilityColumn.capacity,
  FacilityColumn.boundaryCodes,
  FacilityColumn.usage,
];

function facilityParser(context: Pick<SheetValidationContext, 'boundaries'>): RowParser<FacilityRow> {
  const rowOfName = new Map<string, number>();
  const rowOfId = new Map<string, number>();
  return (cells) => {
    const facilityId = optionalText(cells, FacilityColumn.code);
    const name = requiredText(cells, FacilityColumn.name);
    const type = oneOf(cells, FacilityColumn.type, FACILITY_TYPES, SheetErrorCode.invalidFacilityType);
    const status = oneOf(
      cells,
      FacilityColumn.status,
      FACILITY_STATUSES,
      SheetErrorCode.invalidFacilityStatus,
    );
    const capacity = wholeNumber(
      cells,
      FacilityColumn.capacity,
      FACILITY_CAPACITY_RANGE,
      SheetErrorCode.invalidCapacity,
      true,
    );
    const codes = optionalBoundaryCodes(cells, FacilityColumn.boundaryCodes, context.boundaries);
    const usage = oneOf(cells, FacilityColumn.usage, USAGES, SheetErrorCode.invalidUsage);
    // A template lists every facility of the tenant, Inactive and without boundaries until the campaign
    // takes it up; a row in use (or of unknown usage) must say where.
    if (codes?.length === 0 && usage !== 'Inactive') {
      cells.report(
        FacilityColumn.boundaryCodes,
        SheetErrorCode.boundaryRequired,
        'an Active facility needs at least one boundary code; only an Inactive row may leave it empty',
      );
    }
    checkUnique(
      cells,
      FacilityColumn.name,
      name,
      rowOfName,
      SheetErrorCode.duplicateFacilityName,
      'facility name',
    );
    checkUnique(
      cells,
      FacilityColumn.code,
      facilityId,
      rowOfId,
      SheetErrorCode.duplicateFacilityCode,
      'facility code',
    );
    if (
      name === undefined ||
      type === undefined ||
      status === undefined ||
      capacity === undefined ||
      codes === undefined ||
      usage === undefined
    ) {
      return { row: undefined, usage };
    }
    const row: FacilityRow = {
      rowNumber: cells.number,
      name,
      type,
      status,
      capacity,
      boundaryCodes: codes,
      usage,
    };
    if (facilityId !== undefined) row.facilityId = facilityId;
    return { row, usage };
  };
}

/**
 * Reads the facility sheet (`HCM_ADMIN_CONSOLE_FACILITIES`) of a workbook, streaming: valid rows go to
 * `options.onRows` in batches, and the summary lists every error found (up to `options.maxErrors`).
 */
export async function readFacilitySheet(
  input: SheetInput,
  context: Pick<SheetValidationContext, 'boundaries'>,
  options: ReadOptions<FacilityRow> = {},
): Promise<SheetReadSummary> {
  const spec = {
    sheet: FACILITY_SHEET,
    requiredColumns: REQUIRED_COLUMNS,
    createParser: () => facilityParser(context),
  };
  return readSingleSheet(input, spec, options);
}
