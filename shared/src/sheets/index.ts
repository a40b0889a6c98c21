// Reading, checking and writing the campaign resource sheets (facilities, users, targets).
export * from './format.ts';
export { normaliseCell, cellText } from './cell.ts';
export type { CellScalar } from './cell.ts';
export { CampaignBoundaries, type SheetValidationContext } from './context.ts';
export { SheetErrorCode, UNREADABLE_WORKBOOK_CODES, errorDetail } from './errors.ts';
export type { SheetError } from './errors.ts';
export { DEFAULT_BATCH_SIZE, DEFAULT_MAX_ERRORS } from './sheet-reading.ts';
export type { ReadOptions, SheetReadSummary } from './sheet-reading.ts';
export { UnreadableWorkbookError } from './workbook-error.ts';
export { DEFAULT_SHEET_LIMITS, SHEET_LIMIT_VARIABLES } from './limits.ts';
export type { SheetLimits } from './limits.ts';
export type { SheetInput } from './workbook-input.ts';
export { readFacilitySheet } from './facility-sheet.ts';
export type { FacilityRow } from './facility-sheet.ts';
export { readUserSheet } from './user-sheet.ts';
export type { UserRole, UserRow } from './user-sheet.ts';
export { readTargetSheet } from './target-sheet.ts';
export type { TargetRow } from './target-sheet.ts';
export { projectTargets, sumTargetsUpTree } from './targets.ts';
export type { ProjectTarget } from './targets.ts';
export { invalidRowOutcomes, writeProcessedSheet } from './processed-sheet.ts';
export type { RowOutcome, RowStatus, SheetOutcomes } from './processed-sheet.ts';
export {
  EMPTY_TARGET_SHEET,
  writeFacilitySheet,
  writeTargetWorkbook,
  writeUserSheet,
} from './sheet-writers.ts';
export type { FacilitySheetRow, TargetSheetRow, UserSheetRow } from './sheet-writers.ts';
export type { RowSource } from './workbook-output.ts';
export { CREDENTIALS_SHEET, writeCredentialsSheet } from './credentials-sheet.ts';
export type { CredentialsRow } from './credentials-sheet.ts';
