import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CampaignBoundaries,
  FACILITY_SHEET,
  FACILITY_TYPES,
  FacilityColumn,
  PHONE_PATTERN,
  TargetColumn,
  readFacilitySheet,
  readTargetSheet,
  readUserSheet,
  USER_ROLES,
  USER_SHEET,
  UserColumn,
} from '@campaign-pipeline/shared';
import ExcelJS from 'exceljs';
import {
  fetchHierarchy,
  fetchProjectType,
  generateCampaignSheets,
  leavesUnder,
  startDigitSimulator,
  uploadCampaignSheets,
  type DigitSimulator,
} from '../src/index.ts';
import { TENANT, digitClient } from './helpers.ts';

let sim: DigitSimulator;

beforeAll(async () => {
  sim = await startDigitSimulator({ seed: { size: 'S' } });
});
afterAll(async () => sim.stop());

async function open(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

/** Rows from row 3 as objects keyed by the row-1 keys. */
function records(sheet: ExcelJS.Worksheet): Array<Record<string, unknown>> {
  const keys = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: Array<Record<string, unknown>> = [];
  sheet.eachRow((row, number) => {
    if (number < 3) return;
    const values = (row.values as unknown[]).slice(1);
    rows.push(Object.fromEntries(keys.map((key, i) => [key, values[i] ?? null])));
  });
  return rows;
}

function llin() {
  const type = sim.projectTypes.find((t) => t.code === 'LLIN-mz');
  if (!type) throw new Error('LLIN-mz missing');
  return type;
}

describe('campaign sheet generator', () => {
  it('writes facility, user and target workbooks in the template conventions', async () => {
    const sheets = await generateCampaignSheets({
      hierarchy: sim.hierarchy,
      projectType: llin(),
      facilities: 40,
      users: 60,
      inactiveFacilities: 3,
      inactiveUsers: 4,
      seed: 7,
    });
    const leaves = sim.hierarchy.codesByType.get('LOCALITY') ?? [];
    const leafSet = new Set(leaves);

    const facilityBook = await open(sheets.facility);
    expect(facilityBook.worksheets.map((s) => s.name)).toEqual([FACILITY_SHEET]);
    const facilitySheet = facilityBook.getWorksheet(FACILITY_SHEET);
    if (!facilitySheet) throw new Error('no facility sheet');
    expect(facilitySheet.getRow(1).hidden).toBe(true);
    expect((facilitySheet.getRow(1).values as unknown[]).slice(1)).toEqual(Object.values(FacilityColumn));
    expect(
      (facilitySheet.getRow(2).values as unknown[])
        .slice(1)
        .every((v) => typeof v === 'string' && v.length > 0),
    ).toBe(true);
    const facilities = records(facilitySheet);
    expect(facilities).toHaveLength(40);
    expect(new Set(facilities.map((f) => f[FacilityColumn.name])).size).toBe(40);
    expect(facilities.filter((f) => f[FacilityColumn.usage] === 'Inactive')).toHaveLength(3);
    for (const facility of facilities) {
      expect(FACILITY_TYPES).toContain(facility[FacilityColumn.type]);
      for (const code of String(facility[FacilityColumn.boundaryCodes]).split(','))
        expect(leafSet.has(code)).toBe(true);
    }

    const userBook = await open(sheets.user);
    const userSheet = userBook.getWorksheet(USER_SHEET);
    if (!userSheet) throw new Error('no user sheet');
    expect((userSheet.getRow(1).values as unknown[]).slice(1)).toEqual(Object.values(UserColumn));
    const users = records(userSheet);
    expect(users).toHaveLength(60);
    const phones = users.map((u) => String(u[UserColumn.phone]));
    expect(new Set(phones).size).toBe(60);
    expect(phones.every((p) => PHONE_PATTERN.test(p))).toBe(true);
    expect(users.every((u) => (USER_ROLES as readonly unknown[]).includes(u[UserColumn.role]))).toBe(true);
    expect(users.filter((u) => u[UserColumn.usage] === 'Inactive')).toHaveLength(4);
    expect(users.every((u) => sim.hierarchy.byCode.has(String(u[UserColumn.boundaryCodes])))).toBe(true);

    const targetBook = await open(sheets.target);
    const districts = sim.hierarchy.codesByType.get('DISTRICT') ?? [];
    expect(targetBook.worksheets.map((s) => s.name)).toEqual(districts);
    const expectedKeys = [
      ...sim.hierarchy.levels.map((l) => l.boundaryType),
      TargetColumn.boundaryCode,
      ...llin().targetColumns.map((c) => c.key),
    ];
    let rows = 0;
    for (const sheet of targetBook.worksheets) {
      expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(expectedKeys);
      for (const row of records(sheet)) {
        rows++;
        const code = String(row[TargetColumn.boundaryCode]);
        expect(leafSet.has(code)).toBe(true);
        expect(row.LOCALITY).toBe(code);
        expect(row.DISTRICT).toBe(sheet.name);
        expect(Number(row[TargetColumn.target])).toBeGreaterThanOrEqual(1);
      }
    }
    expect(rows).toBe(leaves.length);
    expect(sheets.defects).toEqual([]);
  });

  it('is deterministic for a seed and limited to the campaign boundaries', async () => {
    const province = sim.hierarchy.codesByType.get('PROVINCE')?.[1] ?? '';
    const options = {
      hierarchy: sim.hierarchy,
      projectType: llin(),
      boundaries: [province],
      facilities: 5,
      users: 5,
      seed: 3,
    };
    const [a, b] = await Promise.all([generateCampaignSheets(options), generateCampaignSheets(options)]);
    const usersA = records((await open(a.user)).worksheets[0] as ExcelJS.Worksheet);
    const usersB = records((await open(b.user)).worksheets[0] as ExcelJS.Worksheet);
    expect(usersA).toEqual(usersB);
    const target = await open(a.target);
    expect(target.worksheets.every((s) => s.name.startsWith(`${province}_`))).toBe(true);
    expect(a.counts.targetRows).toBe(leavesUnder(sim.hierarchy, [province]).length);
  });

  it('plants the requested defects where it says', async () => {
    const sheets = await generateCampaignSheets({
      hierarchy: sim.hierarchy,
      projectType: llin(),
      facilities: 20,
      users: 20,
      defects: {
        facility: { duplicateName: 1, invalidType: 1, unknownBoundary: 1 },
        user: { invalidPhone: 1, duplicatePhone: 1, invalidRole: 1 },
        target: { missingTarget: 1, zeroTarget: 1 },
      },
    });
    expect(sheets.defects).toHaveLength(8);
    const facilities = (await open(sheets.facility)).getWorksheet(FACILITY_SHEET) as ExcelJS.Worksheet;
    const users = (await open(sheets.user)).getWorksheet(USER_SHEET) as ExcelJS.Worksheet;
    const targets = await open(sheets.target);
    const cell = (sheet: ExcelJS.Worksheet, row: number, key: string): unknown => {
      const keys = (sheet.getRow(1).values as unknown[]).map(String);
      return sheet.getRow(row).getCell(keys.indexOf(key)).value;
    };
    for (const defect of sheets.defects) {
      if (defect.resource === 'facility') {
        if (defect.defect === 'invalidType')
          expect(FACILITY_TYPES).not.toContain(cell(facilities, defect.row, FacilityColumn.type));
        if (defect.defect === 'unknownBoundary')
          expect(
            sim.hierarchy.byCode.has(String(cell(facilities, defect.row, FacilityColumn.boundaryCodes))),
          ).toBe(false);
        if (defect.defect === 'duplicateName') {
          const names = records(facilities).map((f) => f[FacilityColumn.name]);
          expect(names.filter((n) => n === cell(facilities, defect.row, FacilityColumn.name))).toHaveLength(
            2,
          );
        }
      } else if (defect.resource === 'user') {
        const phone = String(cell(users, defect.row, UserColumn.phone));
        if (defect.defect === 'invalidPhone') expect(PHONE_PATTERN.test(phone)).toBe(false);
        if (defect.defect === 'duplicatePhone')
          expect(records(users).filter((u) => String(u[UserColumn.phone]) === phone)).toHaveLength(2);
        if (defect.defect === 'invalidRole')
          expect(USER_ROLES).not.toContain(cell(users, defect.row, UserColumn.role));
      } else {
        const sheet = targets.getWorksheet(defect.sheet) as ExcelJS.Worksheet;
        const value = cell(sheet, defect.row, TargetColumn.target);
        expect(defect.defect === 'missingTarget' ? value === null : value === 0).toBe(true);
      }
    }
  });

  it("passes the pipeline's own sheet readers when clean, and fails them where defects were planted", async () => {
    const context = {
      boundaries: new CampaignBoundaries(
        sim.hierarchy.byCode.keys(),
        sim.hierarchy.codesByType.get('LOCALITY') ?? [],
      ),
      boundaryTypes: sim.hierarchy.levels.map((l) => l.boundaryType),
      targetColumns: llin().targetColumns,
    };
    const clean = await generateCampaignSheets({
      hierarchy: sim.hierarchy,
      projectType: llin(),
      facilities: 30,
      users: 30,
    });
    for (const summary of [
      await readFacilitySheet(clean.facility, context),
      await readUserSheet(clean.user, context),
      await readTargetSheet(clean.target, context),
    ]) {
      expect(summary.errors).toEqual([]);
      expect(summary.validRowCount).toBe(summary.rowCount);
    }
    const bad = await generateCampaignSheets({
      hierarchy: sim.hierarchy,
      projectType: llin(),
      facilities: 30,
      users: 30,
      defects: { facility: { invalidType: 2 }, user: { invalidPhone: 1 }, target: { missingTarget: 1 } },
    });
    const facilities = await readFacilitySheet(bad.facility, context);
    expect(facilities.invalidRowCount).toBe(2);
    expect(facilities.errors.map((e) => e.row).sort()).toEqual(
      bad.defects
        .filter((d) => d.resource === 'facility')
        .map((d) => d.row)
        .sort(),
    );
    expect((await readUserSheet(bad.user, context)).invalidRowCount).toBe(1);
    expect((await readTargetSheet(bad.target, context)).invalidRowCount).toBe(1);
  });

  it('uploads the workbooks to the filestore and returns the resources', async () => {
    const hierarchy = await fetchHierarchy(sim.url, TENANT, 'ADMIN');
    expect(hierarchy.byCode.size).toBe(sim.hierarchy.byCode.size);
    const projectType = await fetchProjectType(sim.url, TENANT, 'MR-DN');
    const sheets = await generateCampaignSheets({ hierarchy, projectType, facilities: 3, users: 3 });
    const resources = await uploadCampaignSheets(sim.url, sheets);
    expect(resources.map((r) => r.type)).toEqual(['facility', 'user', 'boundaryWithTarget']);
    expect(resources.every((r) => r.filename.endsWith('.xlsx') && r.filestoreId && r.resourceId)).toBe(true);
    const http = digitClient(sim.url);
    const target = resources[2];
    const urls = await http.get(
      `/filestore/v1/files/url?tenantId=${TENANT}&fileStoreIds=${target?.filestoreId}`,
    );
    const download = await http.get(urls.data.fileStoreIds[0].url, { responseType: 'arraybuffer' });
    const book = await open(Buffer.from(download.data));
    const keys = (book.worksheets[0]?.getRow(1).values as unknown[]).slice(1);
    expect(keys).toContain('HCM_ADMIN_CONSOLE_TARGET_SMC_AGE_12_TO_59');
  });
});
