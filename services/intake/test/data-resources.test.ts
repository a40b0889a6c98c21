import { describe, expect, it } from '@jest/globals';
import {
  CampaignBoundaries,
  DigitError,
  SheetErrorCode,
  readFacilitySheet,
  writeFacilitySheet,
  type DigitClients,
  type DigitFacility,
  type FacilityRow,
  type FacilitySheetRow,
  type ProjectType,
  type Queryable,
} from '@campaign-pipeline/shared';
import {
  TEMPLATE_TYPES,
  VALIDATION_TYPES,
  checkWorkbook,
  existingFacilities,
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

const requestInfo = { apiId: 'test' };
const campaign = { tenantId: 'mz', parentId: null };
const noParent = { query: () => Promise.reject(new Error('no parent to read')) } as unknown as Queryable;

function digitFacility(id: string, fields: Partial<DigitFacility>): DigitFacility {
  return {
    id,
    tenantId: 'mz',
    name: `Facility ${id}`,
    isPermanent: true,
    usage: 'Warehouse',
    storageCapacity: 100,
    address: { tenantId: 'mz', locality: { code: 'MZ' } },
    ...fields,
  };
}

const tenantFacilities = [
  digitFacility('F-1', { name: 'Depot Norte', storageCapacity: 9000 }),
  digitFacility('F-2', {
    name: 'Clinic Sul',
    usage: 'Health Facility',
    isPermanent: false,
    storageCapacity: 40,
  }),
  digitFacility('F-3', { name: 'Closed', isDeleted: true }),
];

/** A facility service holding the given facilities, answering its search in pages. */
function digitHolding(facilities: DigitFacility[]): DigitClients {
  const post = async (
    _endpoint: string,
    _info: unknown,
    _body: unknown,
    page: { offset: number; limit: number },
  ) => ({
    Facilities: facilities.slice(page.offset, page.offset + page.limit),
    TotalCount: facilities.length,
  });
  return { facility: { post } } as unknown as DigitClients;
}

async function readBack(workbook: Buffer): Promise<FacilityRow[]> {
  const rows: FacilityRow[] = [];
  const context = {
    boundaries: new CampaignBoundaries(
      sheets.boundaries.map((b) => b.code),
      [],
    ),
  };
  await readFacilitySheet(workbook, context, { onRows: (batch) => void rows.push(...batch) });
  return rows;
}

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

  it("lists the tenant's facilities Inactive; marking one Active with a boundary makes a valid upload", async () => {
    const { rows } = await existingFacilities(
      noParent,
      digitHolding(tenantFacilities),
      requestInfo,
      campaign,
      100,
    );
    const template = await templateWorkbook(sheets, 'facility', rows);
    const listed = await readBack(template);
    expect(
      listed.map(({ facilityId, name, usage, boundaryCodes }) => [facilityId, name, usage, boundaryCodes]),
    ).toEqual([
      ['F-2', 'Clinic Sul', 'Inactive', []],
      ['F-1', 'Depot Norte', 'Inactive', []],
    ]);
    expect(listed[0]).toMatchObject({ type: 'Health Facility', status: 'Temporary', capacity: 40 });

    const unchanged = await checkWorkbook(sheets, 'facility', template);
    expect(unchanged.sheetErrors.map((error) => error.code)).toEqual([SheetErrorCode.noActiveRow]);

    const edited = listed.map(({ rowNumber: _row, ...row }): FacilitySheetRow =>
      row.facilityId === 'F-1' ? { ...row, usage: 'Active', boundaryCodes: ['L2'] } : row,
    );
    const upload = await checkWorkbook(sheets, 'facility', await writeFacilitySheet(edited));
    expect(upload.sheetErrors).toEqual([]);

    const forgotten = edited.map((row) =>
      row.facilityId === 'F-2' ? { ...row, usage: 'Active' as const } : row,
    );
    const refused = await checkWorkbook(sheets, 'facility', await writeFacilitySheet(forgotten));
    expect(refused.sheetErrors).toEqual([
      {
        sheetName: 'HCM_ADMIN_CONSOLE_FACILITIES',
        rowNumber: 3,
        column: 'HCM_ADMIN_CONSOLE_BOUNDARY_CODE_MANDATORY',
        code: SheetErrorCode.boundaryRequired,
        message: expect.stringContaining('an Active facility needs at least one boundary code'),
      },
    ]);
  });

  it('shows a child campaign the facilities its parent holds as the parent has them', async () => {
    const parent: Queryable = {
      query: async () => ({ rows: [{ facilityId: 'F-1', active: true, boundaryCodes: ['L1'] }] }),
    } as unknown as Queryable;
    const child = { ...campaign, parentId: 'parent-campaign' };
    const { rows } = await existingFacilities(
      parent,
      digitHolding(tenantFacilities),
      requestInfo,
      child,
      100,
    );
    expect(rows.map(({ facilityId, usage, boundaryCodes }) => [facilityId, usage, boundaryCodes])).toEqual([
      ['F-2', 'Inactive', []],
      ['F-1', 'Active', ['L1']],
    ]);
  });

  it('refuses a tenant with more facilities than a template lists, and a facility service that fails', async () => {
    await expect(
      existingFacilities(noParent, digitHolding(tenantFacilities), requestInfo, campaign, 1),
    ).rejects.toMatchObject({
      status: 400,
      errors: [
        expect.objectContaining({
          code: 'TOO_MANY_FACILITIES',
          message: expect.stringContaining('TEMPLATE_MAX_FACILITIES'),
        }),
      ],
    });
    const down = new DigitError({
      service: 'facility',
      endpoint: '/facility/v1/_search',
      status: 503,
      code: 'UNAVAILABLE',
      message: 'the facility service is down',
      retryable: true,
    });
    const failing = { facility: { post: () => Promise.reject(down) } } as unknown as DigitClients;
    await expect(existingFacilities(noParent, failing, requestInfo, campaign, 100)).rejects.toMatchObject({
      status: 503,
    });
  });

  it('needs the project type for a target sheet', async () => {
    await expect(templateWorkbook({ ...sheets, projectType: null }, 'boundaryWithTarget')).rejects.toThrow(
      'PROJECT_TYPE_REQUIRED',
    );
  });
});
