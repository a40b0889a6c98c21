// Checks of single cells. Each returns the parsed value, or undefined after reporting why the cell is
// wrong. A column missing from the sheet was reported once already, so its cells only mark the row.
import { cellNumber, cellText, detached } from './cell.ts';
import type { CampaignBoundaries } from './context.ts';
import { SheetErrorCode, formatCount, listing, quoted } from './errors.ts';
import type { RowCells } from './sheet-reading.ts';

export interface NumberRange {
  min: number;
  max: number;
}

export function requiredText(cells: RowCells, column: string): string | undefined {
  if (!cells.has(column)) {
    cells.invalid = true;
    return undefined;
  }
  const text = cells.text(column);
  if (text === undefined) cells.report(column, SheetErrorCode.required, 'a value is required');
  return text;
}

export function optionalText(cells: RowCells, column: string): string | undefined {
  return cells.text(column);
}

function canonical<T extends string>(allowed: readonly T[], text: string): T | undefined {
  const wanted = text.toLowerCase();
  return allowed.find((value) => value.toLowerCase() === wanted);
}

/** One value of a closed list, matched without regard to case and given back as the list spells it. */
export function oneOf<T extends string>(
  cells: RowCells,
  column: string,
  allowed: readonly T[],
  code: SheetErrorCode,
): T | undefined {
  const text = requiredText(cells, column);
  if (text === undefined) return undefined;
  const value = canonical(allowed, text);
  if (value === undefined) cells.report(column, code, `${quoted(text)} is not one of ${listing(allowed)}`);
  return value;
}

/** The comma-separated entries of a cell, trimmed, without empties or repeats. */
export function splitList(text: string): string[] {
  return [...new Set(text.split(',').map((part) => part.trim()))].filter((part) => part !== '');
}

function requiredList(cells: RowCells, column: string): string[] | undefined {
  const text = requiredText(cells, column);
  if (text === undefined) return undefined;
  const items = splitList(text);
  if (items.length === 0) cells.report(column, SheetErrorCode.required, 'a value is required');
  return items.length === 0 ? undefined : items;
}

/** One or more comma-separated values of a closed list. */
export function someOf<T extends string>(
  cells: RowCells,
  column: string,
  allowed: readonly T[],
  code: SheetErrorCode,
): T[] | undefined {
  const items = requiredList(cells, column);
  if (items === undefined) return undefined;
  const values = items.map((item) => canonical(allowed, item));
  const unknown = items.filter((_item, index) => values[index] === undefined);
  if (unknown.length > 0) {
    const what = unknown.map(quoted).join(', ');
    cells.report(
      column,
      code,
      `${what} ${unknown.length === 1 ? 'is' : 'are'} not one of ${listing(allowed)}`,
    );
    return undefined;
  }
  return [...new Set(values as T[])];
}

/** Comma-separated boundary codes, each of which must be one of the campaign's boundaries. */
export function boundaryCodes(
  cells: RowCells,
  column: string,
  campaign: CampaignBoundaries,
): string[] | undefined {
  const codes = requiredList(cells, column);
  return codes && campaignBoundaries(cells, column, codes, campaign);
}

/**
 * Boundary codes of a column that some rows may leave empty: an empty cell gives no codes, for the caller
 * to decide whether the row needs them; codes given must still be the campaign's.
 */
export function optionalBoundaryCodes(
  cells: RowCells,
  column: string,
  campaign: CampaignBoundaries,
): string[] | undefined {
  if (!cells.has(column)) {
    cells.invalid = true;
    return undefined;
  }
  const text = cells.text(column);
  const codes = text === undefined ? [] : splitList(text);
  return campaignBoundaries(cells, column, codes, campaign);
}

function campaignBoundaries(
  cells: RowCells,
  column: string,
  codes: string[],
  campaign: CampaignBoundaries,
): string[] | undefined {
  const unknown = codes.filter((code) => !campaign.has(code));
  if (unknown.length > 0) {
    const what = unknown.map(quoted).join(', ');
    const verb = unknown.length === 1 ? 'boundary is' : 'boundaries are';
    cells.report(column, SheetErrorCode.unknownBoundary, `${verb} not part of this campaign: ${what}`);
    return undefined;
  }
  return codes;
}

export function textLength(
  cells: RowCells,
  column: string,
  text: string,
  range: NumberRange,
  code: SheetErrorCode,
): string | undefined {
  const length = [...text].length;
  if (length >= range.min && length <= range.max) return text;
  cells.report(column, code, `${quoted(text)} must be ${range.min} to ${range.max} characters long`);
  return undefined;
}

/** A whole number within the range; an empty cell is an error only when the column is required. */
export function wholeNumber(
  cells: RowCells,
  column: string,
  range: NumberRange,
  code: SheetErrorCode,
  required: boolean,
): number | undefined {
  if (required && requiredText(cells, column) === undefined) return undefined;
  const value = cells.value(column);
  if (value === undefined) return undefined;
  const number = cellNumber(value);
  if (number !== undefined && Number.isInteger(number) && number >= range.min && number <= range.max) {
    return number;
  }
  const bounds = `between ${formatCount(range.min)} and ${formatCount(range.max)}`;
  cells.report(column, code, `${quoted(cellText(value) ?? '')} is not a whole number ${bounds}`);
  return undefined;
}

/** Reports a value (compared without regard to case) already seen in an earlier row; remembers it otherwise. */
export function checkUnique(
  cells: RowCells,
  column: string,
  value: string | undefined,
  seen: Map<string, number>,
  code: SheetErrorCode,
  what: string,
): void {
  if (value === undefined) return;
  const key = value.toLowerCase();
  const earlier = seen.get(key);
  if (earlier === undefined) seen.set(detached(key), cells.number);
  else cells.report(column, code, `${what} ${quoted(value)} is already used in row ${earlier}`);
}
