// A campaign's entities in DIGIT described by natural keys (boundary codes, facility names, phone
// numbers) instead of ids, so that two runs of the same campaign, or a run and what its sheets ask for,
// can be compared line by line.
import type { BoundaryHierarchy, SimulatorClient } from '@campaign-pipeline/dev-digit';
import { projectTargets, sumTargetsUpTree, type ProjectType } from '@campaign-pipeline/shared';
import type { CampaignSheetRows } from './campaign-update-fixture.ts';

const ALL = { limit: 10_000_000 };

function targetsKey(targets: readonly { beneficiaryType: string; targetNo: number; isDeleted?: boolean }[]) {
  return targets
    .filter((target) => !target.isDeleted)
    .map((target) => `${target.beneficiaryType}=${target.targetNo}`)
    .sort()
    .join(',');
}

/** Every live project, facility, employee and mapping of DIGIT, one sorted line each. */
export async function digitCampaignState(digit: SimulatorClient): Promise<string[]> {
  const [projects, facilities, employees, projectFacilities, projectStaff, projectResources] =
    await Promise.all([
      digit.projects(ALL),
      digit.facilities(ALL),
      digit.employees(ALL),
      digit.projectFacilities(ALL),
      digit.projectStaff(ALL),
      digit.projectResources(ALL),
    ]);
  const boundaryOf = new Map(projects.items.map((project) => [project.id, project.address?.boundary]));
  const facilityName = new Map(facilities.items.map((facility) => [facility.id, facility.name]));
  const phoneOf = new Map(
    employees.items.map((employee) => [
      employee.user.userServiceUuid ?? employee.user.uuid,
      employee.user.mobileNumber,
    ]),
  );
  const live = projects.items.filter((project) => !project.isDeleted);
  const lines = [
    ...live.map(
      (project) =>
        `project ${project.address?.boundary} under ${boundaryOf.get(project.parent ?? '') ?? '-'} targets ${targetsKey(project.targets)}`,
    ),
    ...facilities.items.map(
      (facility) =>
        `facility ${facility.name} ${facility.usage ?? ''} ${facility.storageCapacity ?? ''} ${facility.isPermanent}`,
    ),
    ...employees.items.map((employee) => `employee ${employee.user.mobileNumber}`),
    ...projectFacilities.items.map(
      (mapping) =>
        `facility mapping ${boundaryOf.get(mapping.projectId)} ${facilityName.get(String(mapping.facilityId))}`,
    ),
    ...projectStaff.items.map(
      (mapping) =>
        `staff mapping ${boundaryOf.get(mapping.projectId)} ${phoneOf.get(String(mapping.userId))}`,
    ),
    ...projectResources.items.map(
      (mapping) =>
        `resource mapping ${boundaryOf.get(mapping.projectId)} ${(mapping.resource as { productVariantId?: string } | undefined)?.productVariantId}`,
    ),
  ];
  return lines.sort();
}

/**
 * The mappings and projects a campaign's sheets ask for, in the lines of `digitCampaignState`: a
 * project per boundary with a row and its ancestors, targets summed up the tree; a mapping per active
 * facility or user row and each of its boundaries; every product variant on every project.
 */
export function expectedMappingState(
  sheets: CampaignSheetRows,
  hierarchy: BoundaryHierarchy,
  projectType: ProjectType,
  productVariants: readonly string[],
): string[] {
  const leafTargets = new Map(
    sheets.targets.map((row) => [row.boundaryCode, projectTargets(row.values, projectType.targetColumns)]),
  );
  const parents = new Map<string, string | null>();
  for (const code of leafTargets.keys()) {
    for (let at: string | null = code; at && !parents.has(at); at = hierarchy.byCode.get(at)?.parent ?? null)
      parents.set(at, hierarchy.byCode.get(at)?.parent ?? null);
  }
  const targets = sumTargetsUpTree(leafTargets, parents);
  const active = <T extends { usage: string }>(rows: readonly T[]) =>
    rows.filter((row) => row.usage === 'Active');
  return [
    ...[...targets.entries()].map(
      ([code, projectTargets]) =>
        `project ${code} under ${parents.get(code) ?? '-'} targets ${targetsKey(projectTargets)}`,
    ),
    ...active(sheets.facilities).flatMap((row) =>
      row.boundaryCodes.map((code) => `facility mapping ${code} ${row.name}`),
    ),
    ...active(sheets.users).flatMap((row) =>
      row.boundaryCodes.map((code) => `staff mapping ${code} ${row.phone}`),
    ),
    ...[...targets.keys()].flatMap((code) =>
      productVariants.map((variant) => `resource mapping ${code} ${variant}`),
    ),
  ].sort();
}

/**
 * Everything DIGIT should hold once a new campaign's sheets are created, in the lines of
 * `digitCampaignState`: the projects and mappings of `expectedMappingState`, a facility per active row
 * (as the pipeline sends it: type as usage, capacity, Permanent status as isPermanent) and an employee
 * per active user. For sheets whose facilities and users are all new to DIGIT.
 */
export function expectedCampaignState(
  sheets: CampaignSheetRows,
  hierarchy: BoundaryHierarchy,
  projectType: ProjectType,
  productVariants: readonly string[],
): string[] {
  const active = <T extends { usage: string }>(rows: readonly T[]) =>
    rows.filter((row) => row.usage === 'Active');
  return [
    ...expectedMappingState(sheets, hierarchy, projectType, productVariants),
    ...active(sheets.facilities).map(
      (row) => `facility ${row.name} ${row.type} ${row.capacity} ${row.status === 'Permanent'}`,
    ),
    ...active(sheets.users).map((row) => `employee ${row.phone}`),
  ].sort();
}

/** Lines in one state and not the other, at most `limit` of each. */
export function stateDifferences(
  actual: readonly string[],
  expected: readonly string[],
  limit = 10,
): { missing: string[]; unexpected: string[]; total: number } {
  const have = new Set(actual);
  const want = new Set(expected);
  const missing = expected.filter((line) => !have.has(line));
  const unexpected = actual.filter((line) => !want.has(line));
  return {
    missing: missing.slice(0, limit),
    unexpected: unexpected.slice(0, limit),
    total: missing.length + unexpected.length,
  };
}
