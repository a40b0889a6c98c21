// Deliberately bad rows the generator can plant, so validation tests get sheets with known mistakes.

export const FACILITY_DEFECTS = [
  'missingName',
  'duplicateName',
  'invalidType',
  'invalidStatus',
  'invalidCapacity',
  'unknownBoundary',
  'missingBoundary',
  'invalidUsage',
] as const;
export const USER_DEFECTS = [
  'missingName',
  'shortName',
  'invalidPhone',
  'duplicatePhone',
  'invalidRole',
  'invalidEmploymentType',
  'unknownBoundary',
  'missingBoundary',
  'invalidUserName',
  'invalidUsage',
] as const;
export const TARGET_DEFECTS = [
  'missingTarget',
  'zeroTarget',
  'nonIntegerTarget',
  'targetTooLarge',
  'unknownBoundary',
] as const;

export type FacilityDefect = (typeof FACILITY_DEFECTS)[number];
export type UserDefect = (typeof USER_DEFECTS)[number];
export type TargetDefect = (typeof TARGET_DEFECTS)[number];

/** How many rows of each kind of defect to plant. */
export interface DefectRequest {
  facility?: Partial<Record<FacilityDefect, number>>;
  user?: Partial<Record<UserDefect, number>>;
  target?: Partial<Record<TargetDefect, number>>;
}

export interface PlantedDefect {
  resource: 'facility' | 'user' | 'boundaryWithTarget';
  sheet: string;
  /** Excel row number (data starts at row 3). */
  row: number;
  defect: string;
}

export const UNKNOWN_BOUNDARY_CODE = 'UNKNOWN_BOUNDARY_0001';

/** Spreads the requested defects over distinct rows; returns row index → defect. */
export function assignDefects<D extends string>(
  requested: Partial<Record<D, number>> | undefined,
  order: readonly number[],
): Map<number, D> {
  const assigned = new Map<number, D>();
  if (!requested) return assigned;
  let cursor = 0;
  for (const [defect, count] of Object.entries(requested) as Array<[D, number | undefined]>) {
    for (let i = 0; i < (count ?? 0); i++) {
      const row = order[cursor++];
      if (row === undefined) throw new Error('more defects requested than rows');
      assigned.set(row, defect);
    }
  }
  return assigned;
}
