// Turns the XML of one worksheet into rows of cell values. exceljs's streaming worksheet reader builds
// a full Row/Cell/style model per row and per parse event; on 100,000 rows that garbage, promoted past
// the young generation, more than doubles the peak memory of a read. Sheets need only values, so the
// worksheet XML is parsed here with the same SAX parser.
import { SaxesParser } from 'saxes';
import type { SaxesTagPlain } from 'saxes';

import { SheetErrorCode } from './errors.ts';
import { EXCEL_MAX_COLUMN, EXCEL_MAX_ROW, limitText } from './limits.ts';
import type { RawRow } from './workbook-input.ts';
import { UnreadableWorkbookError, columnLetters } from './workbook-error.ts';
import type { XmlPart } from './workbook-xml.ts';
import { XmlGuard, detachedText } from './xml-guard.ts';

/** Column number of a cell reference such as "AB12" (1-based); undefined when it has no letters. */
export function columnNumber(reference: string): number | undefined {
  let column = 0;
  for (const char of reference) {
    const code = char.charCodeAt(0);
    if (code < 65 || code > 90) break;
    column = column * 26 + (code - 64);
    // Past Excel's last column already: no need to read more letters of an absurd reference.
    if (column > EXCEL_MAX_COLUMN) return column;
  }
  return column === 0 ? undefined : column;
}

interface CellState {
  column: number;
  type: string;
  /** Text of <v>, or of every <t> of an inline string (rich text has one per run). */
  text: string | undefined;
  formula: string | undefined;
}

/** A formula cell saved without its result (as some generators write them): no value a person saw. */
export interface FormulaWithoutValue {
  formula: string;
  result: undefined;
}

function cellValue(cell: CellState, sharedStrings: readonly unknown[]): unknown {
  const { text, type } = cell;
  if (text === undefined) {
    return cell.formula === undefined
      ? undefined
      : ({ formula: detachedText(cell.formula), result: undefined } satisfies FormulaWithoutValue);
  }
  switch (type) {
    case 's':
      return sharedStrings[Number.parseInt(text, 10)];
    case 'inlineStr':
    case 'str':
      return detachedText(text);
    case 'b':
      return Number.parseInt(text, 10) !== 0;
    case 'e':
      return { error: detachedText(text) };
    default:
      return Number.parseFloat(text);
  }
}

function textLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  const runs = (value as { richText?: { text: string }[] } | undefined)?.richText;
  return runs === undefined ? 0 : runs.reduce((total, run) => total + run.text.length, 0);
}

/** What a worksheet says besides its rows; complete once its rows have all been read. */
export interface WorksheetExtras {
  /** Merged ranges as written, such as "A3:B4". */
  merges: string[];
}

/**
 * Rows of a worksheet in order, cells as plain values: shared and inline strings as text or rich text,
 * numbers, booleans, errors; a formula cell as its cached result. Stops with UnreadableWorkbookError at
 * the first limit crossed, at a row number given twice or out of order, or at a cell beyond Excel's grid.
 */
export async function* worksheetRows(
  part: XmlPart & { sheet: string },
  sharedStrings: readonly unknown[],
  extras: WorksheetExtras = { merges: [] },
): AsyncGenerator<RawRow> {
  const { limits, sheet, path } = part;
  const parser = new SaxesParser();
  let failure: Error | undefined;
  let ready: RawRow[] = [];
  let row: RawRow | undefined;
  let cells: unknown[] = [];
  let lastRowNumber = 0;
  let lastColumn = 0;
  let cell: CellState | undefined;
  let capturing: 'value' | 'formula' | undefined;
  let inPhonetic = false;

  const refuse = (code: SheetErrorCode, detail: string, column?: number): never => {
    const reference =
      column === undefined ? `row ${lastRowNumber}` : `cell ${columnLetters(column)}${lastRowNumber}`;
    throw new UnreadableWorkbookError(code, `${reference} ${detail}`, {
      part: path,
      sheet,
      row: lastRowNumber,
      column,
    });
  };
  const startRow = (reference: string | undefined): void => {
    const number = Number.parseInt(reference ?? '', 10);
    const given = !Number.isNaN(number);
    if (given && number <= lastRowNumber) {
      const previous = lastRowNumber;
      lastRowNumber = number;
      refuse(
        SheetErrorCode.duplicateRow,
        number === previous
          ? 'appears twice in the sheet'
          : `comes after row ${previous}; rows must be in order, each once`,
      );
    }
    lastRowNumber = given ? number : lastRowNumber + 1;
    if (lastRowNumber > EXCEL_MAX_ROW)
      refuse(
        SheetErrorCode.cellOutOfRange,
        `is beyond Excel's last row (${EXCEL_MAX_ROW.toLocaleString('en-US')})`,
      );
    if (lastRowNumber > limits.maxRows) {
      refuse(
        SheetErrorCode.tooManyRows,
        `is beyond the limit of ${limitText(limits, 'maxRows', 'rows')} a sheet may have`,
      );
    }
    lastColumn = 0;
    cells = [];
    row = { number: lastRowNumber, cells };
  };
  const startCell = (reference: string | undefined, type: string | undefined): void => {
    const column = columnNumber(reference ?? '') ?? lastColumn + 1;
    if (column > EXCEL_MAX_COLUMN)
      refuse(SheetErrorCode.cellOutOfRange, `is beyond Excel's last column (XFD)`, column);
    if (column > limits.maxColumns) {
      refuse(
        SheetErrorCode.tooManyColumns,
        `is beyond the limit of ${limitText(limits, 'maxColumns', 'columns')} a sheet may have`,
        column,
      );
    }
    lastColumn = column;
    cell = { column, type: type ?? 'n', text: undefined, formula: undefined };
  };
  const endCell = (): void => {
    if (cell === undefined || row === undefined) return;
    const value = cellValue(cell, sharedStrings);
    if (textLength(value) > limits.maxCellLength) {
      refuse(
        SheetErrorCode.cellTooLong,
        `holds more than the limit of ${limitText(limits, 'maxCellLength', 'characters')}`,
        cell.column,
      );
    }
    if (value !== undefined) cells[cell.column] = value;
  };

  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    if (failure !== undefined) return;
    const { attributes } = tag;
    try {
      switch (tag.name) {
        case 'row':
          startRow(attributes.r);
          break;
        case 'c':
          startCell(attributes.r, attributes.t);
          break;
        case 'rPh':
          inPhonetic = true;
          break;
        case 'v':
        case 't':
          if (cell && !inPhonetic) {
            capturing = 'value';
            cell.text ??= '';
          }
          break;
        case 'f':
          if (cell) {
            capturing = 'formula';
            cell.formula ??= '';
          }
          break;
        case 'mergeCell':
          if (attributes.ref !== undefined && extras.merges.length < limits.maxRows)
            extras.merges.push(attributes.ref);
          break;
      }
    } catch (error) {
      failure = error as Error;
    }
  });
  parser.on('text', (text) => {
    if (failure !== undefined || cell === undefined || capturing === undefined) return;
    if (capturing === 'value') cell.text += text;
    else cell.formula += text;
    // An inline string can have any number of runs: its length is checked as it grows.
    if ((cell.text?.length ?? 0) + (cell.formula?.length ?? 0) > limits.maxCellLength) {
      try {
        refuse(
          SheetErrorCode.cellTooLong,
          `holds more than the limit of ${limitText(limits, 'maxCellLength', 'characters')}`,
          cell.column,
        );
      } catch (error) {
        failure = error as Error;
      }
    }
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    if (failure !== undefined) return;
    try {
      switch (tag.name) {
        case 'v':
        case 't':
        case 'f':
          capturing = undefined;
          break;
        case 'rPh':
          inPhonetic = false;
          break;
        case 'c':
          endCell();
          cell = undefined;
          break;
        case 'row':
          if (row) ready.push(row);
          row = undefined;
          break;
      }
    } catch (error) {
      failure = error as Error;
    }
  });

  const guard = new XmlGuard(path, limits);
  const take = (): RawRow[] => {
    guard.check(failure);
    const rows = ready;
    ready = [];
    return rows;
  };
  for await (const chunk of part.chunks) {
    parser.write(guard.text(chunk));
    yield* take();
  }
  parser.write(guard.end());
  parser.close();
  yield* take();
}
