import { DEFAULT_SHEET_LIMITS, SHEET_LIMIT_VARIABLES } from '../sheets/limits.ts';
import type { SheetLimits } from '../sheets/limits.ts';
import { env, readConfig } from './env.ts';
import type { Variable } from './env.ts';

/** The limits a workbook read is held to, each from its variable (SHEET_MAX_…) or its default. */
export function readSheetLimits(source: NodeJS.ProcessEnv = process.env): SheetLimits {
  const limits = { ...DEFAULT_SHEET_LIMITS };
  const keys = Object.keys(SHEET_LIMIT_VARIABLES) as (keyof SheetLimits)[];
  const schema: Record<string, Variable<number>> = {};
  for (const key of keys) {
    schema[SHEET_LIMIT_VARIABLES[key]] = env.int({ fallback: DEFAULT_SHEET_LIMITS[key], min: 1 });
  }
  const values = readConfig(schema, source) as Record<string, number>;
  for (const key of keys) limits[key] = values[SHEET_LIMIT_VARIABLES[key]] ?? limits[key];
  return limits;
}
