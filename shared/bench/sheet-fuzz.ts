// Property-based fuzzing of the sheet readers: workbooks with random bytes changed, cut short or grown,
// and worksheets of random XML tokens. Whatever the input, a read must end with a summary (never a
// throw), every error must carry a known code, and memory must stay within the budget. Used by the jest
// suite with a fixed seed and few runs, and by `npm run bench -- fuzz` with many.
//
//   node --conditions=development shared/bench/sheet-fuzz.ts [runs] [seed]
import fc from 'fast-check';
import JSZip from 'jszip';
import { fileURLToPath } from 'node:url';

import {
  CampaignBoundaries,
  DEFAULT_SHEET_LIMITS,
  FACILITY_SHEET,
  FacilityColumn,
  SheetErrorCode,
  readFacilitySheet,
} from '../src/sheets/index.ts';
import type { SheetLimits, SheetValidationContext } from '../src/sheets/index.ts';

export const FUZZ_CONTEXT: SheetValidationContext = {
  boundaries: new CampaignBoundaries(['MZ', 'P1', 'D1'], ['D1']),
  boundaryTypes: ['COUNTRY', 'PROVINCE', 'DISTRICT'],
  targetColumns: [],
};

/** Small limits, so that random inputs cross them often and a run stays fast. */
export const FUZZ_LIMITS: SheetLimits = {
  ...DEFAULT_SHEET_LIMITS,
  maxPartBytes: 2 * 2 ** 20,
  maxWorkbookBytes: 4 * 2 ** 20,
  maxSharedStrings: 1000,
  maxSharedStringsLength: 100_000,
  maxRows: 1000,
  maxColumns: 50,
  maxCellLength: 1000,
};

/** What a read may use beyond what the process held before: the budget the properties check. */
export const FUZZ_HEAP_BUDGET_BYTES = 64 * 2 ** 20;

const KEYS = Object.values(FacilityColumn);
const ROW = ['FAC_1', 'Health Post', 'Health Facility', 'Permanent', 100, 'D1', 'Active'];

function worksheet(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${body}</sheetData></worksheet>`;
}

function cells(row: number, values: readonly (string | number)[]): string {
  const body = values.map((value, index) => {
    const reference = `${String.fromCharCode(65 + index)}${row}`;
    return typeof value === 'number'
      ? `<c r="${reference}"><v>${value}</v></c>`
      : `<c r="${reference}" t="inlineStr"><is><t>${value}</t></is></c>`;
  });
  return `<row r="${row}">${body.join('')}</row>`;
}

const VALID_ROWS = `${cells(1, KEYS)}${cells(2, KEYS)}${cells(3, ROW)}`;

/** A valid facility workbook whose worksheet is `sheetXml`. */
export async function facilityWorkbook(sheetXml = worksheet(VALID_ROWS)): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
  );
  zip.file(
    'xl/workbook.xml',
    `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${FACILITY_SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  );
  zip.file(
    'xl/_rels/workbook.xml.rels',
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
  );
  zip.file('xl/worksheets/sheet1.xml', sheetXml);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** Pieces worksheet XML is made of, with the hostile ones among them. */
const TOKENS = [
  '<row r="3">',
  '<row r="2">',
  '<row>',
  '<row r="1048577">',
  '</row>',
  '<c r="A3" t="inlineStr"><is><t>',
  '<c r="B3">',
  '<c r="XFE3">',
  '<c t="s">',
  '<c t="b">',
  '<c t="e">',
  '<v>',
  '</v>',
  '<f>',
  '</f>',
  '</t></is></c>',
  '</c>',
  '<mergeCells><mergeCell ref="A3:B9"/></mergeCells>',
  '<!DOCTYPE x [<!ENTITY a "aaaa">]>',
  '&amp;',
  '&a;',
  '&#0;',
  '<![CDATA[x]]>',
  '<!-- note -->',
  '<?pi?>',
  'Health Post',
  '100',
  '-1e309',
  '\u0000',
  '\ud800',
  '<',
  '>',
  '"',
];

const xmlToken = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TOKENS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('y', '<t>', '</t>').map((piece) => piece.repeat(2000)) },
);

/** Worksheets of random tokens, around the valid rows or instead of them. */
export const randomWorksheet = fc
  .tuple(fc.array(xmlToken, { maxLength: 60 }), fc.boolean())
  .map(([tokens, keepValidRows]) => worksheet(`${keepValidRows ? VALID_ROWS : ''}${tokens.join('')}`));

/** A change of the workbook's bytes: some bytes overwritten, then cut short or grown. */
export const byteDamage = fc.record({
  writes: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
  cut: fc.option(fc.nat(), { nil: undefined }),
  grow: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
});
export type ByteDamage = typeof byteDamage extends fc.Arbitrary<infer T> ? T : never;

export function damaged(bytes: Buffer, damage: ByteDamage): Buffer {
  const copy = Buffer.from(bytes);
  for (const [at, value] of damage.writes) copy[at % copy.length] = value;
  const cut = damage.cut === undefined ? copy : copy.subarray(0, damage.cut % (copy.length + 1));
  return damage.grow === undefined ? cut : Buffer.concat([cut, Buffer.from(damage.grow)]);
}

const KNOWN_CODES = new Set<string>(Object.values(SheetErrorCode));

/**
 * Reads `bytes` and throws when the read breaks a rule: it threw, it gave an unknown code, or the heap
 * grew beyond the budget.
 */
export async function checkRead(bytes: Buffer): Promise<void> {
  const heapBefore = process.memoryUsage().heapUsed;
  const summary = await readFacilitySheet(bytes, FUZZ_CONTEXT, { limits: FUZZ_LIMITS });
  const grown = process.memoryUsage().heapUsed - heapBefore;
  const unknown = summary.errors.find((error) => !KNOWN_CODES.has(error.code));
  if (unknown !== undefined) throw new Error(`unknown error code ${unknown.code}: ${unknown.message}`);
  if (grown > FUZZ_HEAP_BUDGET_BYTES) throw new Error(`the heap grew by ${grown} bytes during one read`);
}

export interface FuzzReport {
  tried: number;
  failures: { property: string; counterexample: string; error: string }[];
}

/** Runs both properties `runs` times each with `seed`; reports instead of throwing. */
export async function fuzzSheetReader(runs: number, seed: number): Promise<FuzzReport> {
  const valid = await facilityWorkbook();
  const report: FuzzReport = { tried: 0, failures: [] };
  const check = async <T extends unknown[]>(property: string, checked: fc.IAsyncProperty<T>) => {
    const result = await fc.check(checked, { numRuns: runs, seed });
    if (!result.failed) return;
    report.failures.push({
      property,
      counterexample: JSON.stringify(result.counterexample).slice(0, 500),
      error: String(result.errorInstance),
    });
  };
  await check(
    'damaged bytes',
    fc.asyncProperty(byteDamage, async (damage) => {
      report.tried++;
      await checkRead(damaged(valid, damage));
    }),
  );
  await check(
    'random worksheet XML',
    fc.asyncProperty(randomWorksheet, async (xml) => {
      report.tried++;
      await checkRead(await facilityWorkbook(xml));
    }),
  );
  return report;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 5000);
  const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
  const started = performance.now();
  const report = await fuzzSheetReader(runs, seed);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `sheet reader: ${report.tried} inputs tried in ${seconds} s (seed ${seed}), ${report.failures.length} failures`,
  );
  for (const failure of report.failures)
    console.log(`  ${failure.property}: ${failure.error}\n    ${failure.counterexample}`);
  if (report.failures.length > 0) process.exitCode = 1;
}
