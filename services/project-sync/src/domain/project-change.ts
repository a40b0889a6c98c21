import type { DigitProject, ProjectTargetPayload } from '@campaign-pipeline/shared';

/** What an update changes in a project: its targets, its parent, and whether it is deleted (inactive). */
export interface ProjectChange {
  targets: ProjectTargetPayload[];
  parent: string | null;
  isDeleted: boolean;
}

/**
 * The project as DIGIT holds it with the change applied, for `_update`: targets DIGIT already has keep
 * their ids (matched by beneficiary type), new ones come without, and ones no longer wanted are deleted.
 */
export function changedProject(current: DigitProject, change: ProjectChange): DigitProject {
  const held = new Map(current.targets.map((target) => [target.beneficiaryType, target]));
  const wanted = new Set(change.targets.map((target) => target.beneficiaryType));
  const targets = [
    ...change.targets.map((target) => ({
      ...held.get(target.beneficiaryType),
      beneficiaryType: target.beneficiaryType,
      targetNo: target.targetNo,
      isDeleted: false,
    })),
    ...current.targets
      .filter((target) => !wanted.has(target.beneficiaryType))
      .map((target) => ({ ...target, isDeleted: true })),
  ];
  return { ...current, targets, parent: change.parent, isDeleted: change.isDeleted };
}
