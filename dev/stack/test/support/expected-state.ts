import { expect } from '@jest/globals';
import type { DigitSimulator } from '@campaign-pipeline/dev-digit';
import {
  CampaignBoundaries,
  projectTargets,
  readFacilitySheet,
  readTargetSheet,
  readUserSheet,
  sumTargetsUpTree,
  type FacilityRow,
  type ProjectTarget,
  type TargetRow,
  type UserRow,
} from '@campaign-pipeline/shared';
import type { CampaignSheets } from '@campaign-pipeline/dev-digit';
import type { CampaignClient } from '../../src/index.ts';

/** The campaign's boundaries: the root and everything under it, with each one's parent. */
function boundariesUnder(digit: DigitSimulator, rootCode: string): Map<string, string | null> {
  const parents = new Map<string, string | null>();
  const walk = (code: string, parent: string | null) => {
    parents.set(code, parent);
    for (const child of digit.hierarchy.byCode.get(code)?.node.children ?? []) walk(child.code, code);
  };
  walk(rootCode, null);
  return parents;
}

export interface SheetContents {
  facilities: FacilityRow[];
  users: UserRow[];
  targets: TargetRow[];
}

/** What the generated workbooks hold, read back from their bytes. */
export async function sheetContents(
  digit: DigitSimulator,
  sheets: CampaignSheets,
  rootCode: string,
): Promise<SheetContents> {
  const parents = boundariesUnder(digit, rootCode);
  const codes = new Set(parents.keys());
  const leafCodes = new Set([...codes].filter((code) => ![...parents.values()].includes(code)));
  const projectType = digit.projectTypes.find((type) => type.code === 'LLIN-mz');
  const context = {
    boundaries: new CampaignBoundaries(codes, leafCodes),
    boundaryTypes: [],
    targetColumns: projectType?.targetColumns ?? [],
  };
  const contents: SheetContents = { facilities: [], users: [], targets: [] };
  await readFacilitySheet(sheets.facility, context, {
    onRows: (rows) => void contents.facilities.push(...rows),
  });
  await readUserSheet(sheets.user, context, { onRows: (rows) => void contents.users.push(...rows) });
  await readTargetSheet(sheets.target, context, { onRows: (rows) => void contents.targets.push(...rows) });
  return contents;
}

function byType(targets: readonly { beneficiaryType: string; targetNo: number }[]): Record<string, number> {
  return Object.fromEntries(targets.map((target) => [target.beneficiaryType, target.targetNo]));
}

/**
 * Creates the campaign under the root MZ, waits for its end, and checks it was created with exactly what
 * its sheets ask for in DIGIT (expectCampaignInDigit); answers the campaign's id.
 */
export async function expectCreatedInDigit(
  client: CampaignClient,
  digit: DigitSimulator,
  details: Record<string, unknown>,
  options: { contents: SheetContents; productVariants: string[]; timeoutMs?: number },
): Promise<string> {
  const created = (await client.create(details)).data.CampaignDetails;
  const { campaign } = await client.waitForStatus(created?.id as string, ['created', 'failed'], {
    timeoutMs: options.timeoutMs,
  });
  expect(campaign.status).toBe('created');
  await expectCampaignInDigit(digit, {
    campaignNumber: created?.campaignNumber as string,
    rootCode: 'MZ',
    contents: options.contents,
    productVariants: options.productVariants,
  });
  return created?.id as string;
}

/**
 * Checks DIGIT (the simulator) holds exactly what the campaign asks for: a project per boundary with
 * the right parent and summed targets, every Active facility and user once, and the three mappings.
 */
export async function expectCampaignInDigit(
  digit: DigitSimulator,
  options: { campaignNumber: string; rootCode: string; contents: SheetContents; productVariants: string[] },
): Promise<void> {
  const { contents, campaignNumber } = options;
  const parents = boundariesUnder(digit, options.rootCode);
  const projects = (await digit.client.projects({ referenceID: campaignNumber })).items;
  expect(projects).toHaveLength(parents.size);
  const projectByBoundary = new Map(
    projects.map((project) => [project.address?.boundary as string, project]),
  );
  expect(new Set(projectByBoundary.keys())).toEqual(new Set(parents.keys()));

  const projectType = digit.projectTypes.find((type) => type.code === 'LLIN-mz');
  const leafTargets = new Map<string, ProjectTarget[]>(
    contents.targets.map((row) => [
      row.boundaryCode,
      projectTargets(row.values, projectType?.targetColumns ?? []),
    ]),
  );
  const expectedTargets = sumTargetsUpTree(leafTargets, parents);
  for (const [code, parent] of parents) {
    const project = projectByBoundary.get(code);
    expect(project?.parent ?? null).toBe(
      parent === null ? null : (projectByBoundary.get(parent)?.id ?? 'missing'),
    );
    expect(byType(project?.targets ?? [])).toEqual(byType(expectedTargets.get(code) ?? []));
  }

  const activeFacilities = contents.facilities.filter((row) => row.usage === 'Active');
  const facilities = (await digit.client.facilities()).items;
  expect(facilities.map((facility) => facility.name).sort()).toEqual(
    activeFacilities.map((row) => row.name.trim()).sort(),
  );
  const facilityId = new Map(facilities.map((facility) => [facility.name, facility.id]));

  const activeUsers = contents.users.filter((row) => row.usage === 'Active');
  const employees = (await digit.client.employees()).items;
  expect(employees.map((employee) => employee.user.mobileNumber).sort()).toEqual(
    activeUsers.map((row) => row.phone).sort(),
  );
  const userUuid = new Map(
    employees.map((employee) => [
      employee.user.mobileNumber,
      employee.user.userServiceUuid ?? employee.user.uuid,
    ]),
  );

  const pairs = (rows: { projectId: string; other: unknown }[]) =>
    rows.map((row) => `${row.projectId}|${String(row.other)}`).sort();
  const expectedFacilityPairs = activeFacilities.flatMap((row) =>
    row.boundaryCodes.map((code) => ({
      projectId: projectByBoundary.get(code)?.id as string,
      other: facilityId.get(row.name.trim()),
    })),
  );
  const facilityMappings = (await digit.client.projectFacilities()).items;
  expect(pairs(facilityMappings.map((m) => ({ projectId: m.projectId, other: m.facilityId })))).toEqual(
    pairs(expectedFacilityPairs),
  );

  const expectedStaffPairs = activeUsers.flatMap((row) =>
    row.boundaryCodes.map((code) => ({
      projectId: projectByBoundary.get(code)?.id as string,
      other: userUuid.get(row.phone),
    })),
  );
  const staffMappings = (await digit.client.projectStaff()).items;
  expect(pairs(staffMappings.map((m) => ({ projectId: m.projectId, other: m.userId })))).toEqual(
    pairs(expectedStaffPairs),
  );

  const expectedResourcePairs = projects.flatMap((project) =>
    options.productVariants.map((variant) => ({ projectId: project.id, other: variant })),
  );
  const resourceMappings = (await digit.client.projectResources()).items;
  expect(
    pairs(
      resourceMappings.map((m) => ({
        projectId: m.projectId,
        other: (m.resource as { productVariantId: string }).productVariantId,
      })),
    ),
  ).toEqual(pairs(expectedResourcePairs));

  const duplicates = await digit.client.duplicates();
  expect(duplicates.total).toBe(0);
}

/** Waits until DIGIT holds at least `count` employees: user creation is under way. */
export async function untilEmployees(
  digit: DigitSimulator,
  count: number,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await digit.client.counts()).employees < count) {
    if (Date.now() > deadline) throw new Error('user creation did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
