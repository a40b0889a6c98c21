// Excel cells arrive as numbers, strings, rich text, hyperlinks, formulas or errors. Validation only ever
// needs the text or the number a person sees, so every cell is reduced to one of those first.

export type CellScalar = string | number;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function richTextOf(runs: unknown): string {
  if (!Array.isArray(runs)) return '';
  return runs.map((run: unknown) => (isRecord(run) && typeof run.text === 'string' ? run.text : '')).join('');
}

/** The value a person sees in the cell: trimmed text or a number; undefined for an empty cell. */
export function normaliseCell(value: unknown): CellScalar | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    return text === '' ? undefined : text;
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (!isRecord(value)) return undefined;
  if ('richText' in value) return normaliseCell(richTextOf(value.richText));
  // A formula counts by its cached result, which is what Excel displays.
  if ('formula' in value || 'sharedFormula' in value) return normaliseCell(value.result);
  if ('error' in value) return normaliseCell(value.error);
  if ('text' in value) return normaliseCell(value.text);
  return undefined;
}

/** The cell as text; numbers print without grouping or exponent for the sizes sheets hold. */
export function cellText(value: CellScalar | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  return Number.isInteger(value) ? value.toFixed(0) : String(value);
}

const NUMBER_TEXT = /^[-+]?\d+(\.\d+)?$/;

/** The cell as a number, accepting numbers typed as text; undefined when it is not a plain number. */
export function cellNumber(value: CellScalar): number | undefined {
  if (typeof value === 'number') return value;
  return NUMBER_TEXT.test(value) ? Number(value) : undefined;
}

/**
 * A copy of the text that does not keep alive the larger string it was cut from. Cell texts are slices of
 * the XML the reader parsed; a key kept for the whole sheet (a phone, a boundary code) must not pin that.
 */
export function detached(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
