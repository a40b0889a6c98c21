// Turns the XML of one worksheet into rows of cell values. exceljs's streaming worksheet reader builds
// a full Row/Cell/style model per row and per parse event; on 100,000 rows that garbage, promoted past
// the young generation, more than doubles the peak memory of a read. Sheets need only values, so the
// worksheet XML is parsed here with the same SAX parser.
import { SaxesParser } from 'saxes';
import type { SaxesTagPlain } from 'saxes';
import { StringDecoder } from 'node:string_decoder';

import type { RawRow } from './workbook-input.ts';

/** Column number of a cell reference such as "AB12" (1-based); undefined when it has no letters. */
export function columnNumber(reference: string): number | undefined {
  let column = 0;
  for (const char of reference) {
    const code = char.charCodeAt(0);
    if (code < 65 || code > 90) break;
    column = column * 26 + (code - 64);
  }
  return column === 0 ? undefined : column;
}

interface CellState {
  column: number;
  type: string;
  /** Text of <v>, or of every <t> of an inline string (rich text has one per run). */
  text: string | undefined;
}

function cellValue(cell: CellState, sharedStrings: readonly unknown[]): unknown {
  const { text, type } = cell;
  if (text === undefined) return undefined;
  switch (type) {
    case 's':
      return sharedStrings[Number.parseInt(text, 10)];
    case 'inlineStr':
    case 'str':
      return text;
    case 'b':
      return Number.parseInt(text, 10) !== 0;
    case 'e':
      return { error: text };
    default:
      return Number.parseFloat(text);
  }
}

/**
 * Rows of a worksheet in order, cells as plain values: shared and inline strings as text or rich text,
 * numbers, booleans, errors; a formula cell as its cached result.
 */
export async function* worksheetRows(
  chunks: AsyncIterable<Buffer | string>,
  sharedStrings: readonly unknown[],
): AsyncGenerator<RawRow> {
  const parser = new SaxesParser();
  const decoder = new StringDecoder('utf8');
  let failure: Error | undefined;
  let ready: RawRow[] = [];
  let row: RawRow | undefined;
  let cells: unknown[] = [];
  let lastRowNumber = 0;
  let lastColumn = 0;
  let cell: CellState | undefined;
  let capturing = false;
  let inPhonetic = false;

  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const { attributes } = tag;
    switch (tag.name) {
      case 'row': {
        const number = Number.parseInt(attributes.r ?? '', 10);
        lastRowNumber = Number.isNaN(number) ? lastRowNumber + 1 : number;
        lastColumn = 0;
        cells = [];
        row = { number: lastRowNumber, cells };
        break;
      }
      case 'c': {
        const column = columnNumber(attributes.r ?? '') ?? lastColumn + 1;
        lastColumn = column;
        cell = { column, type: attributes.t ?? 'n', text: undefined };
        break;
      }
      case 'rPh':
        inPhonetic = true;
        break;
      case 'v':
      case 't':
        if (cell && !inPhonetic) {
          capturing = true;
          cell.text ??= '';
        }
        break;
    }
  });
  parser.on('text', (text) => {
    if (capturing && cell) cell.text += text;
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    switch (tag.name) {
      case 'v':
      case 't':
        capturing = false;
        break;
      case 'rPh':
        inPhonetic = false;
        break;
      case 'c':
        if (cell && row) {
          const value = cellValue(cell, sharedStrings);
          if (value !== undefined) cells[cell.column] = value;
        }
        cell = undefined;
        break;
      case 'row':
        if (row) ready.push(row);
        row = undefined;
        break;
    }
  });

  const take = (): RawRow[] => {
    if (failure) throw failure;
    const rows = ready;
    ready = [];
    return rows;
  };
  for await (const chunk of chunks) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    yield* take();
  }
  parser.write(decoder.end());
  parser.close();
  yield* take();
}
