// The parts of a minimal xlsx package written as text, so that a test can break any one of them: the
// content types, the package and workbook relationships, the workbook, the shared strings and the sheets.
import type { ZipEntrySpec } from './zip.ts';

/** A cell: text (an inline string), a number, a formula with no stored value, or raw XML of a <c>. */
export type HostileCell = string | number | { formula: string } | { xml: string } | null | undefined;

export interface HostileSheet {
  name: string;
  /** 'hidden' or 'veryHidden' hides it. */
  state?: string;
  /** Rows from row 1 (the column keys); a row's number is its index + 1 unless `rowNumbers` says otherwise. */
  rows: readonly (readonly HostileCell[])[];
  rowNumbers?: readonly number[];
  merges?: readonly string[];
  /** Replaces the whole worksheet XML. */
  xml?: string;
}

export interface HostilePackage {
  sheets: HostileSheet[];
  /** Shared strings, with a relationship from the workbook, when present. */
  sharedStrings?: string;
  /** Parts to replace (by path) or drop (null), and parts to add. */
  parts?: Record<string, string | Buffer | null>;
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_RELATIONSHIPS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function columnLetters(column: number): string {
  let letters = '';
  for (let rest = column; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  }
  return letters;
}

function cellXml(cell: HostileCell, reference: string): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return `<c r="${reference}"><v>${cell}</v></c>`;
  if (typeof cell === 'string')
    return `<c r="${reference}" t="inlineStr"><is><t>${escapeXml(cell)}</t></is></c>`;
  if ('formula' in cell) return `<c r="${reference}"><f>${escapeXml(cell.formula)}</f></c>`;
  return cell.xml;
}

export function worksheetXml(sheet: HostileSheet): string {
  const rows = sheet.rows.map((cells, index) => {
    const number = sheet.rowNumbers?.[index] ?? index + 1;
    const body = cells.map((cell, column) => cellXml(cell, `${columnLetters(column + 1)}${number}`)).join('');
    return `<row r="${number}">${body}</row>`;
  });
  const merges =
    sheet.merges === undefined || sheet.merges.length === 0
      ? ''
      : `<mergeCells count="${sheet.merges.length}">${sheet.merges.map((ref) => `<mergeCell ref="${ref}"/>`).join('')}</mergeCells>`;
  return `${DECLARATION}<worksheet xmlns="${MAIN}"><sheetData>${rows.join('')}</sheetData>${merges}</worksheet>`;
}

/** The parts of the package as zip entries, in the order Excel writes them. */
export function packageEntries(spec: HostilePackage): ZipEntrySpec[] {
  const sheetParts = spec.sheets.map((_sheet, index) => `xl/worksheets/sheet${index + 1}.xml`);
  const parts = new Map<string, string | Buffer>();
  const overrides = sheetParts.map(
    (part) =>
      `<Override PartName="/${part}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
  );
  parts.set(
    '[Content_Types].xml',
    `${DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${overrides.join('')}</Types>`,
  );
  parts.set(
    '_rels/.rels',
    `${DECLARATION}<Relationships xmlns="${PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" Type="${RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  );
  const sheets = spec.sheets.map(
    (sheet, index) =>
      `<sheet name="${escapeXml(sheet.name)}" sheetId="${index + 1}"${sheet.state ? ` state="${sheet.state}"` : ''} r:id="rId${index + 1}"/>`,
  );
  parts.set(
    'xl/workbook.xml',
    `${DECLARATION}<workbook xmlns="${MAIN}" xmlns:r="${RELATIONSHIPS}"><sheets>${sheets.join('')}</sheets></workbook>`,
  );
  const relationships = sheetParts.map(
    (part, index) =>
      `<Relationship Id="rId${index + 1}" Type="${RELATIONSHIPS}/worksheet" Target="${part.slice('xl/'.length)}"/>`,
  );
  if (spec.sharedStrings !== undefined) {
    relationships.push(
      `<Relationship Id="rIdStrings" Type="${RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>`,
    );
    parts.set('xl/sharedStrings.xml', spec.sharedStrings);
  }
  parts.set(
    'xl/_rels/workbook.xml.rels',
    `${DECLARATION}<Relationships xmlns="${PACKAGE_RELATIONSHIPS}">${relationships.join('')}</Relationships>`,
  );
  spec.sheets.forEach((sheet, index) => parts.set(sheetParts[index] ?? '', sheet.xml ?? worksheetXml(sheet)));
  for (const [path, content] of Object.entries(spec.parts ?? {})) {
    if (content === null) parts.delete(path);
    else parts.set(path, content);
  }
  return [...parts].map(([name, content]) => ({
    name,
    data: typeof content === 'string' ? Buffer.from(content) : content,
  }));
}

/** A shared-strings part holding `strings`. */
export function sharedStringsXml(strings: readonly string[]): string {
  const items = strings.map((text) => `<si><t>${escapeXml(text)}</t></si>`).join('');
  return `${DECLARATION}<sst xmlns="${MAIN}" count="${strings.length}" uniqueCount="${strings.length}">${items}</sst>`;
}

export const SHARED_STRINGS_HEAD = `${DECLARATION}<sst xmlns="${MAIN}">`;
export const SHARED_STRINGS_TAIL = '</sst>';
