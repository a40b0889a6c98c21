// Turns target sheet values into project targets, and gives parent boundaries the sums of their
// descendants (a parent project's target is what its lowest-level projects add up to).
import type { TargetColumnDefinition } from '../domain/project-type.ts';

export interface ProjectTarget {
  beneficiaryType: string;
  targetNo: number;
}

/**
 * Project targets of one row: the values of columns sharing a beneficiary type are summed. Types come in
 * the order of the project type's columns; a type none of whose columns has a value is left out.
 */
export function projectTargets(
  values: Readonly<Record<string, number>>,
  targetColumns: readonly TargetColumnDefinition[],
): ProjectTarget[] {
  const totals = new Map<string, number>();
  for (const { key, beneficiaryType } of targetColumns) {
    const value = values[key];
    if (value === undefined) continue;
    totals.set(beneficiaryType, (totals.get(beneficiaryType) ?? 0) + value);
  }
  return [...totals].map(([beneficiaryType, targetNo]) => ({ beneficiaryType, targetNo }));
}

/**
 * Targets of the given boundaries and of every ancestor reached through `parentOf` (child code → parent
 * code; absent, null or undefined at the root): each ancestor gets the sum of the targets below it.
 */
export function sumTargetsUpTree(
  leafTargets: ReadonlyMap<string, readonly ProjectTarget[]>,
  parentOf: ReadonlyMap<string, string | null | undefined>,
): Map<string, ProjectTarget[]> {
  const totals = new Map<string, Map<string, number>>();
  const add = (code: string, target: ProjectTarget): void => {
    let byType = totals.get(code);
    if (byType === undefined) totals.set(code, (byType = new Map()));
    byType.set(target.beneficiaryType, (byType.get(target.beneficiaryType) ?? 0) + target.targetNo);
  };
  for (const [leaf, targets] of leafTargets) {
    if (!totals.has(leaf)) totals.set(leaf, new Map());
    let code: string | null | undefined = leaf;
    // A tree path never visits more boundaries than the map holds; more means the map has a cycle.
    for (let steps = 0; code !== null && code !== undefined; steps++) {
      if (steps > parentOf.size) throw new Error(`boundary parent map has a cycle through ${leaf}`);
      for (const target of targets) add(code, target);
      code = parentOf.get(code);
    }
  }
  const result = new Map<string, ProjectTarget[]>();
  for (const [code, byType] of totals) {
    result.set(
      code,
      [...byType].map(([beneficiaryType, targetNo]) => ({ beneficiaryType, targetNo })),
    );
  }
  return result;
}
