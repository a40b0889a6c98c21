// Writes DIGIT-template workbooks with exceljs' streaming writer (row 1 hidden keys, row 2 headers,
// data from row 3), collecting the bytes into a Buffer.
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';

export type CellValue = string | number | null;

export interface SheetSpec {
  name: string;
  keys: readonly string[];
  labels: readonly string[];
  rows: Iterable<CellValue[]>;
}

export async function writeWorkbook(sheets: Iterable<SheetSpec>): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: false,
    useSharedStrings: false,
  });
  for (const spec of sheets) {
    const sheet = workbook.addWorksheet(spec.name);
    sheet.columns = spec.keys.map((key) => ({ key, width: Math.max(12, Math.min(40, key.length + 2)) }));
    const keyRow = sheet.addRow([...spec.keys]);
    keyRow.hidden = true;
    keyRow.commit();
    sheet.addRow([...spec.labels]).commit();
    for (const values of spec.rows) sheet.addRow(values).commit();
    sheet.commit();
  }
  await workbook.commit();
  await done;
  return Buffer.concat(chunks);
}
