import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Kafka, logLevel } from 'kafkajs';
import type { DigitSimulator } from '@campaign-pipeline/dev-digit';
import {
  CampaignBoundaries,
  AvroCodec,
  Topic,
  projectTargets,
  readTargetSheet,
  sumTargetsUpTree,
  type ProjectTarget,
  type ProjectType,
  type TargetRow,
} from '@campaign-pipeline/shared';
import {
  campaignFixture,
  childCampaignDetails,
  consolidatedSheets,
  startTestInfrastructure,
  startTestServices,
  type CampaignSheetRows,
  type SheetContext,
  type TestInfrastructure,
  type TestServices,
  type CampaignClient,
} from '../src/index.ts';

let infrastructure: TestInfrastructure;
let services: TestServices;
let client: CampaignClient;
const VARIANTS = ['PVAR-2026-01-01-000001'];

beforeAll(async () => {
  infrastructure = await startTestInfrastructure();
  // Small HRMS batches: the cancel test needs users created over several rounds of calls, so that a
  // cancel can land between two rounds.
  services = await startTestServices(infrastructure, {
    env: { DIGIT_HRMS_BATCH_SIZE: '25', DIGIT_HRMS_BATCH_MAX: '25' },
  });
  client = services.client();
});

afterAll(async () => {
  await services?.stop();
  await infrastructure?.stop();
});

beforeEach(async () => {
  await infrastructure.digit.client.reset();
});

const digit = (): DigitSimulator => infrastructure.digit;
const projectType = () => digit().projectTypes.find((type) => type.code === 'LLIN-mz');
const parentOf = (code: string): string | null => digit().hierarchy.byCode.get(code)?.parent ?? null;
const pathOf = (code: string): string[] => {
  const path: string[] = [];
  for (let at: string | null = code; at; at = parentOf(at)) path.unshift(at);
  return path;
};
const leavesUnder = (code: string): string[] => {
  const children = digit().hierarchy.byCode.get(code)?.node.children ?? [];
  return children.length === 0 ? [code] : children.flatMap((child) => leavesUnder(child.code));
};

type Sheets = CampaignSheetRows;

const sheets = (): SheetContext => ({
  digitUrl: digit().url,
  hierarchy: digit().hierarchy,
  projectType: projectType() as ProjectType,
});
const consolidated = (campaignId: string) => consolidatedSheets(client, sheets(), campaignId);
const childDetails = (
  parentDetails: Record<string, unknown>,
  parentId: string,
  edited: Sheets,
  boundaries: { code: string; includeAllChildren: boolean }[],
) => childCampaignDetails(sheets(), parentDetails, parentId, edited, boundaries);

/** Targets of every project the campaign should hold, from its leaf rows. */
function expectedTargets(rows: readonly TargetRow[]): Map<string, ProjectTarget[]> {
  const leafTargets = new Map(
    rows.map((row) => [row.boundaryCode, projectTargets(row.values, projectType()?.targetColumns ?? [])]),
  );
  const parents = new Map<string, string | null>();
  for (const code of leafTargets.keys()) {
    for (let at: string | null = code; at && !parents.has(at); at = parentOf(at))
      parents.set(at, parentOf(at));
  }
  return sumTargetsUpTree(leafTargets, parents);
}

const byType = (targets: readonly { beneficiaryType: string; targetNo: number; isDeleted?: boolean }[]) =>
  Object.fromEntries(
    targets.filter((target) => !target.isDeleted).map((target) => [target.beneficiaryType, target.targetNo]),
  );

/** DIGIT's live projects by boundary, with what the update must be judged on. */
async function liveProjects() {
  const projects = (await digit().client.projects({ includeDeleted: true })).items;
  return new Map(projects.map((project) => [project.address?.boundary as string, project]));
}

/**
 * DIGIT's live projects are exactly the expected boundaries, each under its parent boundary's project
 * and with the summed targets. Returns every project by boundary (deleted ones too) and the live ones.
 */
async function expectLiveProjects(targets: Map<string, ProjectTarget[]>) {
  const after = await liveProjects();
  const live = [...after.values()].filter((project) => !project.isDeleted);
  expect(new Set(live.map((project) => project.address?.boundary))).toEqual(new Set(targets.keys()));
  for (const project of live) {
    const code = project.address?.boundary as string;
    const parentCode = parentOf(code);
    expect(project.parent ?? null).toBe(
      parentCode === null ? null : (after.get(parentCode)?.id ?? 'missing'),
    );
    expect(byType(project.targets)).toEqual(byType(targets.get(code) ?? []));
  }
  return { after, live };
}

/** A campaign rooted at the country holding one whole province, so a child can add another. */
const PROVINCE_UNDER_ROOT = [
  { code: 'MZ', isRoot: true, includeAllChildren: false },
  { code: 'MZ_P01', isRoot: false, includeAllChildren: true },
];

async function eventually(check: () => Promise<void>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** DIGIT holds exactly the mappings the sheets ask for, on live projects only. */
async function expectMappings(sheets: Sheets, projectIdOf: Map<string, string>): Promise<void> {
  const facilityId = new Map((await digit().client.facilities()).items.map((f) => [f.name, f.id]));
  const userId = new Map(
    (await digit().client.employees()).items.map((e) => [
      e.user.mobileNumber,
      e.user.userServiceUuid ?? e.user.uuid,
    ]),
  );
  const pairs = (list: { projectId: string; other: unknown }[]) =>
    list.map((entry) => `${entry.projectId}|${String(entry.other)}`).sort();
  const wanted = <T extends { usage: string; boundaryCodes: string[] }>(
    rows: T[],
    idOf: (row: T) => unknown,
  ) =>
    pairs(
      rows
        .filter((row) => row.usage === 'Active')
        .flatMap((row) =>
          row.boundaryCodes
            // A boundary whose project was deactivated keeps no mappings.
            .filter((code) => projectIdOf.has(code))
            .map((code) => ({ projectId: projectIdOf.get(code) as string, other: idOf(row) })),
        ),
    );
  await eventually(async () => {
    const facilities = (await digit().client.projectFacilities()).items;
    expect(pairs(facilities.map((m) => ({ projectId: m.projectId, other: m.facilityId })))).toEqual(
      wanted(sheets.facilities, (row) => facilityId.get(row.name)),
    );
    const staff = (await digit().client.projectStaff()).items;
    expect(pairs(staff.map((m) => ({ projectId: m.projectId, other: m.userId })))).toEqual(
      wanted(sheets.users, (row) => userId.get(row.phone)),
    );
    const resources = (await digit().client.projectResources()).items;
    expect(
      pairs(
        resources.map((m) => ({
          projectId: m.projectId,
          other: (m.resource as { productVariantId: string }).productVariantId,
        })),
      ),
    ).toEqual(
      pairs(
        [...projectIdOf.values()].flatMap((projectId) => VARIANTS.map((other) => ({ projectId, other }))),
      ),
    );
  });
}

async function createdCampaign(details: Record<string, unknown>) {
  const answer = await client.create(details);
  expect(answer.status).toBe(200);
  const id = answer.data.CampaignDetails?.id as string;
  const done = await client.waitForStatus(id, ['created', 'failed']);
  expect(done.campaign.status).toBe('created');
  return done;
}

describe('updating a campaign through child campaigns', () => {
  it('applies exactly the differences of an update, and a second update from the consolidated sheets', async () => {
    const fixture = await campaignFixture({
      digitUrl: digit().url,
      boundaries: ['MZ_P01'],
      facilities: 6,
      users: 8,
      productVariants: VARIANTS,
      campaignName: 'Update parent',
    });
    const parentDetails = { ...fixture.details, boundaries: PROVINCE_UNDER_ROOT };
    const parent = (await createdCampaign(parentDetails)).campaign;
    const before = await liveProjects();
    const parentSheets = await consolidated(parent.id);
    expect(parentSheets.targets).toHaveLength(leavesUnder('MZ_P01').length);
    expect(parentSheets.facilities.every((row) => row.facilityId)).toBe(true);
    expect(parentSheets.users.every((row) => row.userServiceUuid)).toBe(true);

    // The child's target template: the parent's rows, then the new district's localities to fill in.
    const template = await client.consolidatedSheet(parent.id, 'boundaryWithTarget', {
      boundaries: [{ code: 'MZ_P02_D01', includeAllChildren: true }],
    });
    const templateRows: TargetRow[] = [];
    const templateSummary = await readTargetSheet(
      template,
      {
        boundaries: new CampaignBoundaries(digit().hierarchy.byCode.keys(), leavesUnder('MZ')),
        targetColumns: projectType()?.targetColumns ?? [],
        partialTargets: true,
      },
      { onRows: (rows) => void templateRows.push(...rows) },
    );
    expect(templateRows.map((row) => row.boundaryCode).sort()).toEqual(
      parentSheets.targets.map((row) => row.boundaryCode).sort(),
    );
    expect(templateSummary.errors).toHaveLength(leavesUnder('MZ_P02_D01').length);
    expect(new Set(templateSummary.errors.map((error) => error.sheet))).toEqual(new Set(['MZ_P02_D01']));

    // The operator's edits: new targets for three localities, one locality dropped, a new district
    // added with its localities; a facility and two users deactivated, a user moved to the new district,
    // two facilities and two users added there.
    const key = projectType()?.targetColumns[0]?.key as string;
    const newLeaves = leavesUnder('MZ_P02_D01');
    const dropped = parentSheets.targets[3]?.boundaryCode as string;
    const edited: Sheets = {
      targets: [
        ...parentSheets.targets
          .filter((row) => row.boundaryCode !== dropped)
          .map((row, index) =>
            index < 3 ? { ...row, values: { ...row.values, [key]: (row.values[key] ?? 0) + 7 } } : row,
          ),
        ...newLeaves.map((code, index) => ({
          sheet: 'MZ_P02_D01',
          boundaryCode: code,
          rowNumber: 0,
          values: { [key]: 100 + index },
        })),
      ],
      facilities: [
        ...parentSheets.facilities.map((row, index) =>
          index === 0 ? { ...row, usage: 'Inactive' as const } : row,
        ),
        ...[0, 1].map((index) => ({
          name: `New district store ${index}`,
          type: 'Warehouse' as const,
          status: 'Permanent' as const,
          capacity: 500,
          boundaryCodes: [newLeaves[index] as string],
          usage: 'Active' as const,
          rowNumber: 0,
        })),
      ],
      users: [
        ...parentSheets.users.map((row, index) =>
          index < 2
            ? { ...row, usage: 'Inactive' as const }
            : index === 2
              ? { ...row, boundaryCodes: [newLeaves[2] as string] }
              : row,
        ),
        ...[0, 1].map((index) => ({
          name: `New distributor ${index}`,
          phone: `700000000${index}`,
          roles: ['DISTRIBUTOR' as const],
          employmentType: 'Temporary' as const,
          usage: 'Active' as const,
          boundaryCodes: [newLeaves[3 + index] as string],
          rowNumber: 0,
        })),
      ],
    };
    await digit().client.resetCalls();
    const details = await childDetails(parentDetails, parent.id, edited, [
      { code: 'MZ_P02_D01', includeAllChildren: true },
    ]);
    const child = (await createdCampaign(details)).campaign;
    expect(child.parentId).toBe(parent.id);

    // Projects: exactly the kept boundaries live, with the right parents and summed targets; the dropped
    // locality's project detached and deleted; only projects whose targets changed were written.
    const targets = expectedTargets(edited.targets);
    const { after, live } = await expectLiveProjects(targets);
    expect(after.get(dropped)).toMatchObject({ isDeleted: true, parent: null });
    const oldTargets = expectedTargets(parentSheets.targets);
    const changed = [...before.entries()]
      .filter(
        ([, project]) => project.rowVersion !== after.get(project.address?.boundary as string)?.rowVersion,
      )
      .map(([code]) => code)
      .sort();
    const expectedChanged = [...oldTargets.keys()]
      .filter(
        (code) =>
          code === dropped ||
          JSON.stringify(byType(oldTargets.get(code) ?? [])) !==
            JSON.stringify(byType(targets.get(code) ?? [])),
      )
      .sort();
    expect(changed).toEqual(expectedChanged);
    const newProjects = live.filter((project) => !before.has(project.address?.boundary as string));
    expect(newProjects.every((project) => project.referenceID === child.campaignNumber)).toBe(true);
    expect(newProjects.map((project) => project.address?.boundary).sort()).toEqual(
      [...targets.keys()].filter((code) => !before.has(code)).sort(),
    );
    expect(newProjects.length).toBeGreaterThan(newLeaves.length);

    // Facilities and users: only the new ones created; nobody deactivated is deleted from DIGIT.
    const calls = await digit().client.calls();
    // The two new facilities in one bulk create, nothing one by one.
    expect(calls.facility.byRoute['POST /facility/v1/bulk/_create']).toBe(1);
    expect(calls.facility.byRoute['POST /facility/v1/_create']).toBeUndefined();
    expect((await digit().client.facilities()).items).toHaveLength(8);
    expect((await digit().client.employees()).items).toHaveLength(10);
    const projectIdOf = new Map(live.map((project) => [project.address?.boundary as string, project.id]));
    await expectMappings(edited, projectIdOf);
    expect((await digit().client.duplicates()).total).toBe(0);

    // The child took over: it is active, the parent is not.
    const [parentNow] = (await client.search({ tenantId: 'mz', ids: [parent.id] })).campaigns;
    const [childNow] = (await client.search({ tenantId: 'mz', ids: [child.id] })).campaigns;
    expect(parentNow?.isActive).toBe(false);
    expect(childNow).toMatchObject({ isActive: true, status: 'created' });

    // A second update starts from the child's consolidated sheets, like a first one.
    const childSheets = await consolidated(child.id);
    expect(childSheets.targets).toHaveLength(edited.targets.length);
    const movedLeaf = newLeaves[5] as string;
    const second: Sheets = {
      ...childSheets,
      targets: childSheets.targets.map((row) =>
        row.boundaryCode === movedLeaf ? { ...row, values: { ...row.values, [key]: 999 } } : row,
      ),
    };
    await digit().client.resetCalls();
    const beforeSecond = await liveProjects();
    const grandchild = (await createdCampaign(await childDetails(parentDetails, child.id, second, [])))
      .campaign;
    const afterSecond = await liveProjects();
    const rewritten = [...afterSecond.values()]
      .filter(
        (project) => project.rowVersion !== beforeSecond.get(project.address?.boundary as string)?.rowVersion,
      )
      .map((project) => project.address?.boundary)
      .sort();
    expect(rewritten).toEqual(pathOf(movedLeaf).sort());
    expect(byType(afterSecond.get(movedLeaf)?.targets ?? [])).toEqual(
      byType(expectedTargets(second.targets).get(movedLeaf) ?? []),
    );
    const secondCalls = await digit().client.calls();
    expect(secondCalls.facility.total).toBe(0);
    expect(secondCalls.hrms.byRoute['POST /health-hrms/employees/_create'] ?? 0).toBe(0);
    expect(secondCalls.project.byRoute['POST /health-project/v1/_create'] ?? 0).toBe(0);
    for (const route of Object.keys(secondCalls.project.byRoute)) {
      if (route.endsWith('/v1/_create') || route.endsWith('bulk/_delete'))
        expect(secondCalls.project.byRoute[route] ?? 0).toBe(0);
    }
    const [childAfter] = (await client.search({ tenantId: 'mz', ids: [child.id] })).campaigns;
    expect(childAfter?.isActive).toBe(false);
    expect(grandchild.parentId).toBe(child.id);
  });

  it('accepts one of two child creates sent at once, cancels idempotently, and searches as the spec says', async () => {
    const fixture = await campaignFixture({
      digitUrl: digit().url,
      boundaries: ['MZ_P02_D02'],
      facilities: 2,
      users: 3,
      productVariants: VARIANTS,
      campaignName: 'Cancel parent',
    });
    const parent = (await createdCampaign(fixture.details)).campaign;
    const parentSheets = await consolidated(parent.id);
    // The child adds a user; HRMS answers slowly, so the child is still being created when cancelled.
    const newUser = {
      name: 'Late distributor',
      phone: '7100000001',
      roles: ['DISTRIBUTOR' as const],
      employmentType: 'Temporary' as const,
      usage: 'Active' as const,
      boundaryCodes: [leavesUnder('MZ_P02_D02')[0] as string],
      rowNumber: 0,
    };
    const sheets = { ...parentSheets, users: [...parentSheets.users, newUser] };
    await digit().client.setBehaviour({ hrms: { latency: { fixedMs: 1500 } } });
    const details = await childDetails(fixture.details, parent.id, sheets, []);
    const answers = await Promise.all([client.create(details), client.create(details)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const rejected = answers.find((answer) => answer.status === 409);
    expect(rejected?.data.Errors?.[0]?.code).toBe('PARENT_HAS_ACTIVE_CHILD');
    const first = answers.find((answer) => answer.status === 200)?.data.CampaignDetails?.id as string;

    // Cancel answers the same twice; the parent stays active and a new child can be created.
    const cancelled = await client.cancel(first);
    const again = await client.cancel(first);
    expect(cancelled.status).toBe(200);
    expect(again.status).toBe(200);
    for (const answer of [cancelled, again])
      expect(answer.data.CampaignDetails).toMatchObject({ id: first, status: 'cancelled', isActive: false });
    const ids = [parent.id, first];
    const search = async (criteria: Record<string, unknown>) =>
      (await client.search({ tenantId: 'mz', ids, ...criteria })).campaigns
        .map((campaign) => campaign.id)
        .sort();
    expect(await search({ isChildCampaign: false, isActive: true })).toEqual([parent.id]);

    await digit().client.setBehaviour({ hrms: { latency: { fixedMs: 0 } } });
    const second = (await createdCampaign(details)).campaign;
    ids.push(second.id);
    const employees = (await digit().client.employees()).items.map((employee) => employee.user.mobileNumber);
    expect(employees.filter((phone) => phone === newUser.phone)).toHaveLength(1);
    // A created child is changed by another child, not cancelled.
    expect((await client.cancel(second.id)).status).toBe(409);

    // The four searches of the parent-child design, over this test's campaigns.
    expect(await search({ isChildCampaign: true })).toEqual([first, second.id].sort());
    expect(await search({ isActive: true })).toEqual([second.id]);
    expect(await search({ isActive: true, status: 'created' })).toEqual([second.id]);
    expect(await search({ isChildCampaign: true, isActive: false })).toEqual([first]);
    expect(await search({ isChildCampaign: false, isActive: true })).toEqual([]);
    expect(await search({ parentId: parent.id })).toEqual([first, second.id].sort());
  });

  it('rejects a child of a parent that is missing, not created, or from another hierarchy, naming the field', async () => {
    const fixture = await campaignFixture({
      digitUrl: digit().url,
      boundaries: ['MZ_P02_D02'],
      facilities: 2,
      users: 2,
      productVariants: VARIANTS,
    });
    const missing = await client.create({
      ...fixture.details,
      parentId: '4f0c1d2e-0000-4000-8000-000000000000',
    });
    expect(missing.status).toBe(400);
    expect(missing.data.Errors?.[0]).toMatchObject({
      code: 'PARENT_CAMPAIGN_NOT_FOUND',
      params: ['parentId'],
    });

    await digit().client.setBehaviour({ hrms: { latency: { fixedMs: 2000 } } });
    const running = (await client.create(fixture.details)).data.CampaignDetails?.id as string;
    const early = await client.create({
      ...fixture.details,
      parentId: running,
      hierarchyType: 'OTHER',
      boundaries: [{ code: 'MZ_P02_D02', includeAllChildren: true }],
    });
    expect(early.status).toBe(400);
    expect(early.data.Errors?.map((error: { code: string }) => error.code).sort()).toEqual([
      'BOUNDARY_ALREADY_IN_PARENT',
      'PARENT_CAMPAIGN_NOT_CREATED',
      'PARENT_HIERARCHY_MISMATCH',
    ]);
    await client.cancel(running);
    const inactive = await client.create({ ...fixture.details, parentId: running, boundaries: [] });
    expect(inactive.status).toBe(400);
    expect(inactive.data.Errors?.map((error: { code: string }) => error.code)).toContain(
      'PARENT_CAMPAIGN_INACTIVE',
    );
  });

  it('stops writing to DIGIT once a cancel during user creation is acknowledged', async () => {
    const fixture = await campaignFixture({
      digitUrl: digit().url,
      boundaries: ['MZ_P01_D02'],
      facilities: 4,
      users: 400,
      productVariants: VARIANTS,
      campaignName: 'Cancelled while creating users',
    });
    await digit().client.setBehaviour({ hrms: { latency: { fixedMs: 300 } } });
    const id = (await client.create(fixture.details)).data.CampaignDetails?.id as string;
    const deadline = Date.now() + 60_000;
    while ((await digit().client.employees()).items.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const writes = async () => {
      const calls = await digit().client.calls();
      return Object.values(calls)
        .flatMap((service) => Object.entries(service.byRoute))
        .filter(([route]) => /_create$|_update$|bulk\/_delete$/.test(route))
        .reduce((total, [, count]) => total + count, 0);
    };
    const cancelled = await client.cancel(id);
    const atAck = await writes();
    expect(cancelled.data.CampaignDetails).toMatchObject({ status: 'cancelled', isActive: false });
    const employeesAtAck = (await digit().client.employees()).items.length;
    expect(employeesAtAck).toBeLessThan(400);

    // Calls already on the wire finish within HRMS's latency; after that nothing more is written.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const drained = await writes();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await writes()).toBe(drained);
    expect(drained - atAck).toBeLessThanOrEqual(8);
    const { campaign, steps } = await client.progress(id);
    expect(campaign).toMatchObject({ status: 'cancelled', isActive: false });
    expect(steps.find((step) => step.step === 'end')?.status).toBe('pending');
    expect((await client.cancel(id)).data.CampaignDetails).toMatchObject({
      status: 'cancelled',
      isActive: false,
    });
    await digit().client.setBehaviour({ hrms: { latency: { fixedMs: 0 } } });
  });

  it('maps a product variant added by an update and removes the one it dropped, writing nothing else', async () => {
    const [kept, dropped, added] = [
      'PVAR-2026-01-01-000001',
      'PVAR-2026-01-01-000002',
      'PVAR-2026-01-01-000003',
    ];
    const fixture = await campaignFixture({
      digitUrl: digit().url,
      boundaries: ['MZ_P01_D01'],
      facilities: 2,
      users: 2,
      productVariants: [kept, dropped],
      campaignName: 'Variant parent',
    });
    const parent = (await createdCampaign(fixture.details)).campaign;
    const variantsOf = async () =>
      (await digit().client.projectResources()).items
        .map((m) => `${m.projectId}|${(m.resource as { productVariantId: string }).productVariantId}`)
        .sort();
    const projects = (await digit().client.projects()).items.map((project) => project.id);
    expect(await variantsOf()).toEqual(
      projects.flatMap((id) => [`${id}|${kept}`, `${id}|${dropped}`]).sort(),
    );
    const keptIds = (await digit().client.projectResources({ productVariantId: kept })).items.map(
      (m) => m.id,
    );

    await digit().client.resetCalls();
    const details = await childDetails(fixture.details, parent.id, await consolidated(parent.id), []);
    const deliveryRules = [
      {
        cycleIndex: '1',
        active: true,
        deliveries: [
          {
            deliveryIndex: '1',
            active: true,
            deliveryRules: [
              { ruleKey: 1, products: [kept, added].map((value, key) => ({ key, value, count: 1 })) },
            ],
          },
        ],
      },
    ];
    await createdCampaign({ ...details, deliveryRules });
    await eventually(async () =>
      expect(await variantsOf()).toEqual(
        projects.flatMap((id) => [`${id}|${kept}`, `${id}|${added}`]).sort(),
      ),
    );
    // The kept variant's mappings are the parent's, untouched.
    const keptAfter = (await digit().client.projectResources({ productVariantId: kept })).items.map(
      (m) => m.id,
    );
    expect(keptAfter.sort()).toEqual(keptIds.sort());
    const calls = await digit().client.calls();
    expect(calls.facility.total).toBe(0);
    expect(calls.hrms.byRoute['POST /health-hrms/employees/_create'] ?? 0).toBe(0);
    const writes = Object.entries(calls.project.byRoute).filter(([route]) => !route.endsWith('/_search'));
    // The added variant's mappings went out in bulk, a batch per chunk, none one by one.
    expect(Object.fromEntries(writes)).toEqual({
      'POST /health-project/resource/v1/bulk/_create': expect.any(Number),
      'POST /health-project/resource/v1/bulk/_delete': expect.any(Number),
    });
    expect(calls.project.byRoute['POST /health-project/resource/v1/bulk/_create']).toBeLessThan(
      projects.length,
    );
  });

  it('finishes an update exactly once when project-sync and mapping-sync are killed in the middle of it', async () => {
    const fixture = await campaignFixture({
      digitUrl: digit().url,
      boundaries: ['MZ_P01'],
      facilities: 4,
      users: 6,
      productVariants: VARIANTS,
      campaignName: 'Killed update parent',
    });
    const parentDetails = { ...fixture.details, boundaries: PROVINCE_UNDER_ROOT };
    const parent = (await createdCampaign(parentDetails)).campaign;
    const parentSheets = await consolidated(parent.id);
    const key = projectType()?.targetColumns[0]?.key as string;
    const newLeaves = leavesUnder('MZ_P02');
    const edited: Sheets = {
      ...parentSheets,
      // Every locality's target changes, and a province is added: many project updates and creates.
      targets: [
        ...parentSheets.targets.map((row) => ({
          ...row,
          values: { ...row.values, [key]: (row.values[key] ?? 0) + 1 },
        })),
        ...newLeaves.map((code) => ({
          sheet: pathOf(code)[2] as string,
          boundaryCode: code,
          rowNumber: 0,
          values: { [key]: 40 },
        })),
      ],
    };
    await digit().client.setBehaviour({ project: { latency: { fixedMs: 60, jitterMs: 20 } } });
    const details = await childDetails(parentDetails, parent.id, edited, [
      { code: 'MZ_P02', includeAllChildren: true },
    ]);
    const id = (await client.create(details)).data.CampaignDetails?.id as string;

    const killWhen = async (name: 'project-sync' | 'mapping-sync', route: string) => {
      const deadline = Date.now() + 60_000;
      while (((await digit().client.calls()).project.byRoute[route] ?? 0) === 0) {
        if (Date.now() > deadline) throw new Error(`${route} was never called`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const worker = services.processes.get(name);
      worker?.child.kill('SIGKILL');
      await worker?.exited;
      await services.start(name);
    };
    await killWhen('project-sync', 'POST /health-project/v1/_update');
    await killWhen('mapping-sync', 'POST /health-project/resource/v1/bulk/_create');
    const done = await client.waitForStatus(id, ['created', 'failed'], { timeoutMs: 180_000 });
    expect(done.campaign.status).toBe('created');
    await digit().client.setBehaviour({ project: { latency: { fixedMs: 0, jitterMs: 0 } } });

    const targets = expectedTargets(edited.targets);
    const { live } = await expectLiveProjects(targets);
    await expectMappings(
      edited,
      new Map(live.map((project) => [project.address?.boundary as string, project.id])),
    );
    expect((await digit().client.duplicates()).total).toBe(0);
  });

  it('leaves a failed child and its parent active, and a retry of the child completes the handover', async () => {
    const fixture = await campaignFixture({
      digitUrl: digit().url,
      boundaries: ['MZ_P02_D02'],
      facilities: 2,
      users: 2,
      productVariants: VARIANTS,
      campaignName: 'Failing child parent',
    });
    const parent = (await createdCampaign(fixture.details)).campaign;
    const parentSheets = await consolidated(parent.id);
    const sheets = {
      ...parentSheets,
      users: [
        ...parentSheets.users,
        {
          name: 'Added distributor',
          phone: '7200000001',
          roles: ['DISTRIBUTOR' as const],
          employmentType: 'Temporary' as const,
          usage: 'Active' as const,
          boundaryCodes: [leavesUnder('MZ_P02_D02')[1] as string],
          rowNumber: 0,
        },
      ],
    };
    await digit().client.setBehaviour({
      hrms: {
        faults: [
          {
            kind: 'error',
            path: '/health-hrms/employees/_create',
            rate: 1,
            status: 400,
            code: 'ERR_HRMS_DB_DOWN',
            message: 'HRMS database is down',
          },
        ],
      },
    });
    const id = (await client.create(await childDetails(fixture.details, parent.id, sheets, []))).data
      .CampaignDetails?.id as string;
    const failed = await client.waitForStatus(id, ['failed', 'created']);
    expect(failed.campaign).toMatchObject({ status: 'failed', isActive: true });
    const search = async (ids: string[]) =>
      (await client.search({ tenantId: 'mz', ids })).campaigns.map((campaign) => [
        campaign.id,
        campaign.isActive,
      ]);
    expect(await search([parent.id])).toEqual([[parent.id, true]]);

    await digit().client.setBehaviour({ hrms: { faults: [] } });
    expect((await client.retry(id)).status).toBe(200);
    const done = await client.waitForStatus(id, ['failed', 'created']);
    expect(done.campaign).toMatchObject({ status: 'created', isActive: true });
    expect(await search([parent.id])).toEqual([[parent.id, false]]);
    const phones = (await digit().client.employees()).items.map((employee) => employee.user.mobileNumber);
    expect(phones).toContain('7200000001');

    // The handover is published: the child created and active, the parent inactive.
    const handover = [
      { campaignId: id, status: 'created', isActive: true },
      { campaignId: parent.id, status: 'created', isActive: false },
    ];
    const changes = await statusChanges([parent.id, id], handover);
    for (const change of handover) expect(changes).toContainEqual(change);
  });
});

/**
 * The status changes of these campaigns on the status topic, read until every expected one has been seen
 * (the campaigns' changes may sit in different partitions, read in any order) or 20 s have passed.
 */
async function statusChanges(
  ids: string[],
  expected: { campaignId: string; status: string; isActive: boolean }[],
): Promise<{ campaignId: string; status: string; isActive: boolean }[]> {
  const codec = new AvroCodec(infrastructure.kafka.registryUrl);
  const kafka = new Kafka({ brokers: infrastructure.kafka.brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `status-reader-${Date.now()}` });
  const seen: { campaignId: string; status: string; isActive: boolean }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: Topic.status, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const change = await codec.decode<{ campaignId: string; status: string; isActive: boolean }>(
        message.value,
      );
      if (ids.includes(change.campaignId))
        seen.push({ campaignId: change.campaignId, status: change.status, isActive: change.isActive });
    },
  });
  const deadline = Date.now() + 20_000;
  const allSeen = () =>
    expected.every((wanted) =>
      seen.some(
        (change) =>
          change.campaignId === wanted.campaignId &&
          change.status === wanted.status &&
          change.isActive === wanted.isActive,
      ),
    );
  while (Date.now() < deadline && !allSeen()) await new Promise((resolve) => setTimeout(resolve, 200));
  await consumer.disconnect();
  return seen;
}
