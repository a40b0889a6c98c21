// A corpus of broken and hostile workbooks, each with the error the readers must give for it (its code,
// and the sheet, row and column where that applies), and the zip bombs of the upload-handler attack.
// Everything is generated; nothing binary is kept in the repository.
import {
  CampaignBoundaries,
  FACILITY_SHEET,
  FacilityColumn,
  TargetColumn,
  USER_SHEET,
  UserColumn,
} from '@campaign-pipeline/shared';
import type { SheetLimits, SheetValidationContext } from '@campaign-pipeline/shared';

import {
  SHARED_STRINGS_HEAD,
  SHARED_STRINGS_TAIL,
  packageEntries,
  sharedStringsXml,
  worksheetXml,
} from './package.ts';
import type { HostileCell, HostilePackage, HostileSheet } from './package.ts';
import { writeRepeatedZip, zipArchive } from './zip.ts';
import type { ZipEntrySpec } from './zip.ts';

export type HostileResource = 'facility' | 'user' | 'boundaryWithTarget';

export interface ExpectedProblem {
  code: string;
  sheet?: string;
  row?: number;
  /** The column key of row 1. */
  column?: string;
}

export interface HostileWorkbook {
  file: string;
  resource: HostileResource;
  bytes: Buffer;
  /** Limits lower than the defaults, so that a small file crosses them. */
  limits?: Partial<SheetLimits>;
  expected: ExpectedProblem;
}

/** The campaign the corpus is checked against: MZ → P1 → D1, D2. */
export const HOSTILE_CONTEXT: SheetValidationContext = {
  boundaries: new CampaignBoundaries(['MZ', 'P1', 'D1', 'D2'], ['D1', 'D2']),
  boundaryTypes: ['COUNTRY', 'PROVINCE', 'DISTRICT'],
  targetColumns: [{ key: TargetColumn.target, beneficiaryType: 'HOUSEHOLD', required: true }],
};

const FACILITY_KEYS = [
  FacilityColumn.name,
  FacilityColumn.type,
  FacilityColumn.status,
  FacilityColumn.capacity,
  FacilityColumn.boundaryCodes,
  FacilityColumn.usage,
];
const CAPACITY_COLUMN = FACILITY_KEYS.indexOf(FacilityColumn.capacity);

function facilityRow(index: number, change: Partial<Record<number, HostileCell>> = {}): HostileCell[] {
  const row: HostileCell[] = [
    `Health Post ${index}`,
    'Health Facility',
    'Permanent',
    100 + index,
    'D1',
    'Active',
  ];
  for (const [column, value] of Object.entries(change)) row[Number(column)] = value;
  return row;
}

/** A valid facility sheet: key row, label row, `rows` data rows. */
function facilitySheet(rows = 2, extra: Partial<HostileSheet> = {}): HostileSheet {
  const data = Array.from({ length: rows }, (_value, index) => facilityRow(index + 1));
  return { name: FACILITY_SHEET, rows: [FACILITY_KEYS, FACILITY_KEYS, ...data], ...extra };
}

function facilityWorkbook(spec: Partial<HostilePackage> = {}, zip: Partial<ZipEntrySpec>[] = []): Buffer {
  const entries = packageEntries({ sheets: [facilitySheet()], ...spec });
  return zipArchive(entries.map((entry, index) => ({ ...entry, ...zip[index] })));
}

const USER_KEYS = [
  UserColumn.name,
  UserColumn.phone,
  UserColumn.role,
  UserColumn.employmentType,
  UserColumn.boundaryCodes,
  UserColumn.usage,
];

function userSheet(rows: HostileCell[][], extra: Partial<HostileSheet> = {}): HostileSheet {
  return { name: USER_SHEET, rows: [USER_KEYS, USER_KEYS, ...rows], ...extra };
}

const USER_ROW: HostileCell[] = ['Ana Mabunda', '8123456701', 'DISTRIBUTOR', 'Temporary', 'D1', 'Active'];

const TARGET_KEYS = ['COUNTRY', 'PROVINCE', 'DISTRICT', TargetColumn.boundaryCode, TargetColumn.target];

function targetSheet(rows: HostileCell[][], extra: Partial<HostileSheet> = {}): HostileSheet {
  return { name: 'P1', rows: [TARGET_KEYS, TARGET_KEYS, ...rows], ...extra };
}

const TARGET_ROWS: HostileCell[][] = [
  ['MZ', 'P1', 'D1', 'D1', 500],
  ['MZ', 'P1', 'D2', 'D2', 700],
];

const workbook = (spec: HostilePackage): Buffer => zipArchive(packageEntries(spec));

/** A DTD that expands to gigabytes when a parser honours it ("billion laughs"). */
const LAUGHS =
  '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>';

function withDoctype(xml: string, doctype: string): string {
  const end = xml.indexOf('?>') + 2;
  return `${xml.slice(0, end)}${doctype}${xml.slice(end)}`;
}

/** An OLE compound file header, as Excel writes encrypted workbooks and .xls files. */
function compoundFile(streamName: string): Buffer {
  const header = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  return Buffer.concat([header, Buffer.alloc(504), Buffer.from(streamName, 'utf16le'), Buffer.alloc(1024)]);
}

function facilityCase(
  file: string,
  bytes: Buffer,
  code: string,
  location: Omit<ExpectedProblem, 'code'> = {},
  limits?: Partial<SheetLimits>,
): HostileWorkbook {
  return {
    file,
    resource: 'facility',
    bytes,
    limits,
    expected: { code, sheet: FACILITY_SHEET, ...location },
  };
}

/** Where the local header of the entry `name` starts, from the archive's central directory. */
function localHeaderOffset(zip: Buffer, name: string): number {
  let at = zip.readUInt32LE(zip.length - 6);
  while (zip.readUInt32LE(at) === 0x02014b50) {
    const nameLength = zip.readUInt16LE(at + 28);
    if (zip.toString('utf8', at + 46, at + 46 + nameLength) === name) return zip.readUInt32LE(at + 42);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  throw new Error(`the archive has no entry ${name}`);
}

function zipCases(): HostileWorkbook[] {
  const valid = facilityWorkbook();
  const entries = packageEntries({ sheets: [facilitySheet()] });
  const sheetIndex = entries.findIndex((entry) => entry.name === 'xl/worksheets/sheet1.xml');
  const sheetHeader = localHeaderOffset(valid, 'xl/worksheets/sheet1.xml');
  const brokenDeflate = Buffer.from(valid);
  // Deflate has no block type 3: the sheet's data fails at its first byte.
  const sheetData = sheetHeader + 30 + 'xl/worksheets/sheet1.xml'.length;
  brokenDeflate.fill(0xff, sheetData, sheetData + 8);
  const badCentral = Buffer.from(valid);
  badCentral.writeUInt32LE(0x12345678, valid.readUInt32LE(valid.length - 6));
  const badLocal = Buffer.from(valid);
  badLocal.writeUInt32LE(0x12345678, sheetHeader);
  const zeros = Buffer.alloc(3 * 2 ** 20, 0x20);
  return [
    facilityCase('not-a-zip.xlsx', Buffer.from('name,type\nHealth Post,Warehouse\n'), 'UNREADABLE_WORKBOOK'),
    facilityCase('empty.xlsx', Buffer.alloc(0), 'UNREADABLE_WORKBOOK'),
    facilityCase('legacy.xlsx', compoundFile('Workbook'), 'UNREADABLE_WORKBOOK'),
    facilityCase('password-protected.xlsx', compoundFile('EncryptionInfo'), 'ENCRYPTED_WORKBOOK'),
    facilityCase('empty-zip.xlsx', zipArchive([]), 'WORKBOOK_PART_MISSING'),
    facilityCase('truncated-half.xlsx', valid.subarray(0, Math.floor(valid.length / 2)), 'CORRUPT_WORKBOOK'),
    facilityCase('truncated-end.xlsx', valid.subarray(0, valid.length - 10), 'CORRUPT_WORKBOOK'),
    facilityCase('damaged-directory.xlsx', badCentral, 'CORRUPT_WORKBOOK'),
    facilityCase('damaged-local-header.xlsx', badLocal, 'CORRUPT_WORKBOOK'),
    facilityCase('damaged-deflate.xlsx', brokenDeflate, 'CORRUPT_WORKBOOK'),
    facilityCase(
      'encrypted-entry.xlsx',
      facilityWorkbook(
        {},
        entries.map((_entry, index) => (index === sheetIndex ? { flags: 1 } : {})),
      ),
      'ENCRYPTED_WORKBOOK',
    ),
    facilityCase(
      'bzip2-entry.xlsx',
      facilityWorkbook(
        {},
        entries.map((_entry, index) => (index === sheetIndex ? { method: 12 } : {})),
      ),
      'UNSUPPORTED_COMPRESSION',
    ),
    facilityCase(
      'size-lies.xlsx',
      facilityWorkbook(
        {},
        entries.map((_entry, index) => (index === sheetIndex ? { declaredSize: 100 } : {})),
      ),
      'CORRUPT_WORKBOOK',
    ),
    facilityCase(
      'high-ratio.xlsx',
      facilityWorkbook({ parts: { 'docProps/custom.xml': zeros } }),
      'COMPRESSION_RATIO_TOO_HIGH',
    ),
    facilityCase('large-part.xlsx', valid, 'PART_TOO_LARGE', {}, { maxPartBytes: 500 }),
    facilityCase('large-workbook.xlsx', valid, 'WORKBOOK_TOO_LARGE', {}, { maxWorkbookBytes: 2000 }),
    facilityCase('large-file.xlsx', valid, 'FILE_TOO_LARGE', {}, { maxFileBytes: 1000 }),
  ];
}

function packageCases(): HostileWorkbook[] {
  const sheet = facilitySheet();
  const strings = sharedStringsXml(Array.from({ length: 20 }, (_value, index) => `string ${index}`));
  const manySheets = Array.from({ length: 6 }, (_value, index) => ({
    ...facilitySheet(1),
    name: `Sheet ${index}`,
  }));
  return [
    facilityCase(
      'no-workbook-part.xlsx',
      workbook({ sheets: [sheet], parts: { 'xl/workbook.xml': null } }),
      'WORKBOOK_PART_MISSING',
    ),
    facilityCase(
      'no-sheet-part.xlsx',
      workbook({ sheets: [sheet], parts: { 'xl/worksheets/sheet1.xml': null } }),
      'WORKBOOK_PART_MISSING',
    ),
    facilityCase(
      'no-workbook-relationships.xlsx',
      workbook({ sheets: [sheet], parts: { 'xl/_rels/workbook.xml.rels': null } }),
      'WORKBOOK_PART_MISSING',
    ),
    facilityCase(
      'dangling-relationship.xlsx',
      workbook({
        sheets: [sheet],
        parts: {
          'xl/_rels/workbook.xml.rels':
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>',
        },
      }),
      'WORKBOOK_PART_MISSING',
    ),
    facilityCase(
      'dtd-in-sheet.xlsx',
      workbook({ sheets: [{ ...sheet, xml: withDoctype(worksheetXml(sheet), LAUGHS) }] }),
      'DTD_NOT_ALLOWED',
    ),
    facilityCase(
      'dtd-in-shared-strings.xlsx',
      workbook({ sheets: [sheet], sharedStrings: withDoctype(strings, LAUGHS) }),
      'DTD_NOT_ALLOWED',
    ),
    facilityCase(
      'external-entity.xlsx',
      workbook({
        sheets: [sheet],
        parts: {
          '_rels/.rels':
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">&x;</Relationships>',
        },
      }),
      'DTD_NOT_ALLOWED',
    ),
    facilityCase(
      'unclosed-tag.xlsx',
      workbook({ sheets: [{ ...sheet, xml: worksheetXml(sheet).replace('</sheetData>', '') }] }),
      'MALFORMED_XML',
    ),
    facilityCase(
      'undefined-entity.xlsx',
      workbook({
        sheets: [{ ...sheet, xml: worksheetXml(sheet).replace('Health Post 1', 'Health &post; 1') }],
      }),
      'MALFORMED_XML',
    ),
    facilityCase(
      'many-shared-strings.xlsx',
      workbook({ sheets: [sheet], sharedStrings: strings }),
      'TOO_MANY_SHARED_STRINGS',
      {},
      { maxSharedStrings: 10 },
    ),
    facilityCase(
      'long-shared-strings.xlsx',
      workbook({ sheets: [sheet], sharedStrings: strings }),
      'SHARED_STRINGS_TOO_LONG',
      {},
      { maxSharedStringsLength: 100 },
    ),
    facilityCase(
      'many-sheets.xlsx',
      workbook({ sheets: manySheets }),
      'TOO_MANY_SHEETS',
      {},
      { maxSheets: 3 },
    ),
  ];
}

function gridCases(): HostileWorkbook[] {
  const longName = 'x'.repeat(40_000);
  const endless = `<c r="A3" t="inlineStr"><is><t>${'y'.repeat(400_000)}</t></is></c>`;
  return [
    facilityCase(
      'many-rows.xlsx',
      workbook({ sheets: [facilitySheet(20)] }),
      'TOO_MANY_ROWS',
      { row: 11 },
      { maxRows: 10 },
    ),
    facilityCase(
      'many-columns.xlsx',
      workbook({
        sheets: [
          facilitySheet(1, {
            rows: [FACILITY_KEYS, FACILITY_KEYS, [...facilityRow(1), ...Array<string>(30).fill('z')]],
          }),
        ],
      }),
      'TOO_MANY_COLUMNS',
      { row: 3 },
      { maxColumns: 20 },
    ),
    facilityCase(
      'long-cell.xlsx',
      workbook({
        sheets: [facilitySheet(1, { rows: [FACILITY_KEYS, FACILITY_KEYS, facilityRow(1, { 0: longName })] })],
      }),
      'CELL_TOO_LONG',
      { row: 3, column: FacilityColumn.name },
    ),
    facilityCase(
      'endless-text.xlsx',
      workbook({ sheets: [facilitySheet(1, { rows: [FACILITY_KEYS, FACILITY_KEYS, [{ xml: endless }]] })] }),
      'CELL_TOO_LONG',
    ),
    facilityCase(
      'beyond-last-column.xlsx',
      workbook({
        sheets: [
          facilitySheet(1, { rows: [FACILITY_KEYS, FACILITY_KEYS, [{ xml: '<c r="XFE3"><v>1</v></c>' }]] }),
        ],
      }),
      'CELL_OUT_OF_RANGE',
      { row: 3 },
    ),
    facilityCase(
      'beyond-last-row.xlsx',
      workbook({ sheets: [facilitySheet(1, { rowNumbers: [1, 2, 2_000_000] })] }),
      'CELL_OUT_OF_RANGE',
      { row: 2_000_000 },
    ),
    facilityCase(
      'same-row-twice.xlsx',
      workbook({ sheets: [facilitySheet(3, { rowNumbers: [1, 2, 3, 4, 4] })] }),
      'DUPLICATE_ROW',
      { row: 4 },
    ),
    facilityCase(
      'rows-out-of-order.xlsx',
      workbook({ sheets: [facilitySheet(3, { rowNumbers: [1, 2, 5, 3, 4] })] }),
      'DUPLICATE_ROW',
      { row: 3 },
    ),
  ];
}

function sheetCases(): HostileWorkbook[] {
  const withRows = (rows: HostileCell[][], extra: Partial<HostileSheet> = {}) =>
    workbook({ sheets: [facilitySheet(0, { rows: [FACILITY_KEYS, FACILITY_KEYS, ...rows], ...extra })] });
  const duplicateKeys = [...FACILITY_KEYS, FacilityColumn.capacity];
  return [
    facilityCase(
      'formula-without-value.xlsx',
      withRows([facilityRow(1, { [CAPACITY_COLUMN]: { formula: 'SUM(B9:B12)' } })]),
      'FORMULA_WITHOUT_VALUE',
      { row: 3, column: FacilityColumn.capacity },
    ),
    facilityCase(
      'merged-cells.xlsx',
      withRows([facilityRow(1), facilityRow(2)], { merges: ['A3:A4'] }),
      'MERGED_CELLS',
      {
        row: 3,
        column: FacilityColumn.name,
      },
    ),
    facilityCase(
      'absurd-merge.xlsx',
      withRows([facilityRow(1)], { merges: ['A1:XFD1048576'] }),
      'MERGED_CELLS',
      { row: 3, column: FacilityColumn.name },
    ),
    facilityCase(
      'number-as-text.xlsx',
      withRows([facilityRow(1, { [CAPACITY_COLUMN]: '1,500' })]),
      'INVALID_CAPACITY',
      { row: 3, column: FacilityColumn.capacity },
    ),
    facilityCase(
      'date-as-text.xlsx',
      withRows([facilityRow(1, { [CAPACITY_COLUMN]: '2025-03-01' })]),
      'INVALID_CAPACITY',
      { row: 3, column: FacilityColumn.capacity },
    ),
    facilityCase(
      'duplicate-header.xlsx',
      withRows([[...facilityRow(1), 5]], { rows: [duplicateKeys, duplicateKeys, [...facilityRow(1), 5]] }),
      'DUPLICATE_COLUMN',
      { row: 1, column: FacilityColumn.capacity },
    ),
    facilityCase(
      'missing-header.xlsx',
      withRows([], { rows: [FACILITY_KEYS.filter((key) => key !== FacilityColumn.capacity), FACILITY_KEYS] }),
      'COLUMN_MISSING',
      { column: FacilityColumn.capacity },
    ),
    facilityCase(
      'no-key-row.xlsx',
      withRows([], { rows: [[], FACILITY_KEYS, facilityRow(1)] }),
      'COLUMN_MISSING',
      {
        column: FacilityColumn.name,
      },
    ),
    facilityCase(
      'hidden-sheet.xlsx',
      workbook({ sheets: [facilitySheet(2, { state: 'hidden' })] }),
      'SHEET_HIDDEN',
    ),
    facilityCase(
      'wrong-sheet-name.xlsx',
      workbook({ sheets: [facilitySheet(2, { name: 'Facilities' })] }),
      'SHEET_MISSING',
    ),
    facilityCase(
      'sheet-name-case.xlsx',
      workbook({ sheets: [facilitySheet(2, { name: FACILITY_SHEET.toLowerCase() })] }),
      'SHEET_MISSING',
    ),
    facilityCase(
      'same-facility-twice.xlsx',
      withRows([facilityRow(1), facilityRow(1)]),
      'DUPLICATE_FACILITY_NAME',
      { row: 4, column: FacilityColumn.name },
    ),
    {
      file: 'user-very-hidden.xlsx',
      resource: 'user',
      bytes: workbook({ sheets: [userSheet([USER_ROW], { state: 'veryHidden' })] }),
      expected: { code: 'SHEET_HIDDEN', sheet: USER_SHEET },
    },
    {
      file: 'user-phone-as-number-text.xlsx',
      resource: 'user',
      bytes: workbook({
        sheets: [userSheet([USER_ROW.map((cell, index) => (index === 1 ? '8.123456701E+09' : cell))])],
      }),
      expected: { code: 'INVALID_PHONE', sheet: USER_SHEET, row: 3, column: UserColumn.phone },
    },
    {
      file: 'same-user-twice.xlsx',
      resource: 'user',
      bytes: workbook({ sheets: [userSheet([USER_ROW, USER_ROW])] }),
      expected: { code: 'DUPLICATE_PHONE', sheet: USER_SHEET, row: 4, column: UserColumn.phone },
    },
    {
      file: 'target-same-boundary-twice.xlsx',
      resource: 'boundaryWithTarget',
      bytes: workbook({ sheets: [targetSheet([...TARGET_ROWS, ['MZ', 'P1', 'D1', 'D1', 200]])] }),
      expected: { code: 'DUPLICATE_BOUNDARY', sheet: 'P1', row: 5, column: TargetColumn.boundaryCode },
    },
    {
      file: 'target-number-as-text.xlsx',
      resource: 'boundaryWithTarget',
      bytes: workbook({ sheets: [targetSheet([TARGET_ROWS[0] ?? [], ['MZ', 'P1', 'D2', 'D2', '1.200,5']])] }),
      expected: { code: 'INVALID_TARGET', sheet: 'P1', row: 4, column: TargetColumn.target },
    },
    {
      file: 'target-hidden-sheet.xlsx',
      resource: 'boundaryWithTarget',
      bytes: workbook({ sheets: [targetSheet(TARGET_ROWS, { state: 'hidden' })] }),
      expected: { code: 'SHEET_HIDDEN', sheet: 'P1' },
    },
    {
      file: 'target-no-target-sheet.xlsx',
      resource: 'boundaryWithTarget',
      bytes: workbook({ sheets: [{ name: 'Readme', rows: [['Fill in the targets']] }] }),
      expected: { code: 'SHEET_MISSING' },
    },
    {
      file: 'target-formula-without-value.xlsx',
      resource: 'boundaryWithTarget',
      bytes: workbook({
        sheets: [targetSheet([TARGET_ROWS[0] ?? [], ['MZ', 'P1', 'D2', 'D2', { formula: 'B4*2' }]])],
      }),
      expected: { code: 'FORMULA_WITHOUT_VALUE', sheet: 'P1', row: 4, column: TargetColumn.target },
    },
  ];
}

/** Every broken or hostile workbook of the corpus, with its expected problem. */
export function hostileWorkbooks(): HostileWorkbook[] {
  return [...zipCases(), ...packageCases(), ...gridCases(), ...sheetCases()];
}

/**
 * A block of shared strings, each followed by whitespace (allowed between elements), that deflates about
 * 460 to 1: a bomb made of it has the size, per inflated byte, of the reported ones.
 */
function bombBlock(): Buffer {
  const item = Buffer.from(`<si><t>Health Post 1 of district MZ_P01_D001</t></si>${' '.repeat(1100)}`);
  return Buffer.concat(Array.from({ length: Math.ceil((4 * 2 ** 20) / item.length) }, () => item));
}

/**
 * Writes an xlsx of a valid-looking facility sheet whose shared-strings part inflates to about
 * `inflatedBytes`, honestly declared (Zip64 beyond 4 GB), streaming to `path`.
 */
export async function writeSharedStringsBomb(
  path: string,
  inflatedBytes: number,
): Promise<{ fileBytes: number; partBytes: number }> {
  const block = bombBlock();
  const head = Buffer.from(SHARED_STRINGS_HEAD);
  const tail = Buffer.from(SHARED_STRINGS_TAIL);
  const count = Math.max(1, Math.round((inflatedBytes - head.length - tail.length) / block.length));
  const sheet = facilitySheet(2);
  const entries = packageEntries({ sheets: [sheet], sharedStrings: '' }).filter(
    (entry) => entry.name !== 'xl/sharedStrings.xml',
  );
  return writeRepeatedZip(path, entries, { name: 'xl/sharedStrings.xml', head, block, count, tail });
}

/** The two bombs of the report: 5 GB of shared strings in ~10.9 MB, 2 GB in ~4.3 MB. */
export const ZIP_BOMBS = [
  { file: 'bomb-5gb.xlsx', inflatedBytes: 5 * 10 ** 9 },
  { file: 'bomb-2gb.xlsx', inflatedBytes: 2 * 10 ** 9 },
] as const;

/**
 * A facility workbook within the default limits whose shared-strings table, which a reader keeps in
 * memory while it reads the sheets, holds `count` distinct strings of 32 characters: about 60 MB of heap
 * for a million. Not hostile, only large; a process with a smaller heap cannot read it.
 */
export function manySharedStringsWorkbook(count: number): Buffer {
  const strings = Array.from(
    { length: count },
    (_value, index) => `Facility ${String(index).padStart(23, '0')}`,
  );
  return zipArchive(packageEntries({ sheets: [facilitySheet(2)], sharedStrings: sharedStringsXml(strings) }));
}
