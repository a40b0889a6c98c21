import { describe, expect, it } from '@jest/globals';
import { SheetErrorCode, type ProjectType } from '@campaign-pipeline/shared';
import {
  TEMPLATE_TYPES,
  VALIDATION_TYPES,
  checkWorkbook,
  templateWorkbook,
  type CampaignSheets,
} from '../src/domain/data-resources.ts';

const projectType: ProjectType = {
  code: 'LLIN-mz',
  name: 'Bednets',
  group: 'MALARIA',
  beneficiaryType: 'HOUSEHOLD',
  targetColumns: [{ key: 'HCM_ADMIN_CONSOLE_TARGET', beneficiaryType: 'HOUSEHOLD', required: true }],
};

// MZ → P1 → D1 → L1, L2 (two lowest-level boundaries).
const sheets: CampaignSheets = {
  boundaryTypes: ['COUNTRY', 'PROVINCE', 'DISTRICT', 'LOCALITY'],
  projectType,
  boundaries: [
    { code: 'MZ', boundaryType: 'COUNTRY', parentCode: null, level: 0, isLeaf: false },
    { code: 'P1', boundaryType: 'PROVINCE', parentCode: 'MZ', level: 1, isLeaf: false },
    { code: 'D1', boundaryType: 'DISTRICT', parentCode: 'P1', level: 2, isLeaf: false },
    { code: 'L2', boundaryType: 'LOCALITY', parentCode: 'D1', level: 3, isLeaf: true },
    { code: 'L1', boundaryType: 'LOCALITY', parentCode: 'D1', level: 3, isLeaf: true },
  ],
};

describe('data API sheets', () => {
  it('names each console type after the sheet it is', () => {
    expect(TEMPLATE_TYPES.boundary).toBe('boundaryWithTarget');
    expect([TEMPLATE_TYPES.facilityWithBoundary, TEMPLATE_TYPES.facility]).toEqual(['facility', 'facility']);
    expect([VALIDATION_TYPES.userValidation, VALIDATION_TYPES.userWithBoundary]).toEqual(['user', 'user']);
    expect(VALIDATION_TYPES.unknown).toBeUndefined();
  });

  it('gives the target template a row per lowest-level boundary, which the create rules then ask to fill', async () => {
    const template = await templateWorkbook(sheets, 'boundaryWithTarget');
    const check = await checkWorkbook(sheets, 'boundaryWithTarget', template);
    const missing = check.sheetErrors.filter((error) => error.column === 'HCM_ADMIN_CONSOLE_TARGET');
    expect(missing.map((error) => [error.sheetName, error.rowNumber, error.code])).toEqual([
      ['D1', 3, SheetErrorCode.required],
      ['D1', 4, SheetErrorCode.required],
    ]);
    expect(check.processed).toBeInstanceOf(Buffer);
  });

  it('asks for at least one active row in an empty facility template, and reports a file that is no workbook', async () => {
    const empty = await checkWorkbook(sheets, 'facility', await templateWorkbook(sheets, 'facility'));
    expect(empty.sheetErrors.map((error) => error.code)).toContain(SheetErrorCode.noActiveRow);
    const garbage = await checkWorkbook(sheets, 'user', Buffer.from('not a workbook'));
    expect(garbage).toEqual({
      sheetErrors: [expect.objectContaining({ code: 'UNREADABLE_WORKBOOK', sheetName: null })],
      processed: null,
    });
  });

  it('needs the project type for a target sheet', async () => {
    await expect(templateWorkbook({ ...sheets, projectType: null }, 'boundaryWithTarget')).rejects.toThrow(
      'PROJECT_TYPE_REQUIRED',
    );
  });
});
