import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { uploadFile } from '@campaign-pipeline/dev-digit';
import { ERROR_DETAILS_COLUMN } from '@campaign-pipeline/shared';
import ExcelJS from 'exceljs';
import pg from 'pg';
import {
  campaignFixture,
  campaignManager,
  startTestInfrastructure,
  startTestServices,
  type CampaignFixture,
  type TestInfrastructure,
  type TestServices,
  type CampaignClient,
} from '../src/index.ts';

let infrastructure: TestInfrastructure;
let services: TestServices;
let client: CampaignClient;
let database: pg.Pool;
let valid: CampaignFixture;

beforeAll(async () => {
  infrastructure = await startTestInfrastructure();
  services = await startTestServices(infrastructure, { names: ['intake', 'status'] });
  client = services.client();
  database = new pg.Pool({ connectionString: infrastructure.env.DATABASE_URL });
  valid = await campaignFixture({
    digitUrl: infrastructure.digit.url,
    boundaries: ['MZ_P01'],
    facilities: 4,
    users: 5,
  });
});

afterAll(async () => {
  await database?.end();
  await services?.stop();
  await infrastructure?.stop();
});

/** Rows in every table a create writes to. */
async function storedRows(): Promise<number> {
  const tables = [
    'campaign',
    'campaign_boundary',
    'campaign_project',
    'campaign_facility_row',
    'campaign_user_row',
    'campaign_target_row',
    'campaign_facility',
    'campaign_user',
    'campaign_mapping',
    'campaign_step',
    'outbox',
  ];
  let total = 0;
  for (const table of tables)
    total += Number((await database.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  return total;
}

function details(change: (copy: Record<string, unknown>) => void): Record<string, unknown> {
  const copy = structuredClone(valid.details);
  change(copy);
  return copy;
}

async function withSheetDefects(
  defects: Parameters<typeof campaignFixture>[0]['defects'],
): Promise<Record<string, unknown>> {
  return (
    await campaignFixture({
      digitUrl: infrastructure.digit.url,
      boundaries: ['MZ_P01'],
      facilities: 4,
      users: 5,
      seed: 7,
      defects,
    })
  ).details;
}

const manager = campaignManager();

type Case = [
  string,
  () => Promise<Record<string, unknown>> | Record<string, unknown>,
  number,
  string,
  RegExp,
  ((ri: typeof manager) => typeof manager)?,
];
interface RejectionCase {
  name: string;
  make: Case[1];
  status: number;
  code: string;
  message: RegExp;
  caller?: Case[5];
}

const cases: Case[] = [
  [
    'a campaign name of one character',
    () => details((d) => (d.campaignName = 'X')),
    400,
    'VALIDATION_ERROR',
    /CampaignDetails\.campaignName must NOT have fewer than 2 characters/,
  ],
  [
    'a missing project type',
    () => details((d) => delete d.projectType),
    400,
    'VALIDATION_ERROR',
    /CampaignDetails\.projectType/,
  ],
  [
    'a resource file that is not .xlsx',
    () => details((d) => ((d.resources as { filename: string }[])[0]!.filename = 'facilities.csv')),
    400,
    'VALIDATION_ERROR',
    /CampaignDetails\.resources\.0\.filename/,
  ],
  [
    'an end date before the start date',
    () => details((d) => (d.endDate = (d.startDate as number) - 1)),
    400,
    'INVALID_DATES',
    /endDate must be after/,
  ],
  [
    'an unknown hierarchy type',
    () => details((d) => (d.hierarchyType = 'NOWHERE')),
    400,
    'HIERARCHY_NOT_FOUND',
    /hierarchy type NOWHERE does not exist/,
  ],
  [
    'an unknown project type',
    () => details((d) => (d.projectType = 'NO-SUCH-TYPE')),
    400,
    'PROJECT_TYPE_NOT_FOUND',
    /project type NO-SUCH-TYPE does not exist in MDMS/,
  ],
  [
    'an unknown boundary',
    () => details((d) => (d.boundaries as object[]).push({ code: 'MZ_P99_D99', includeAllChildren: true })),
    400,
    'BOUNDARY_NOT_FOUND',
    /boundary MZ_P99_D99 does not exist/,
  ],
  [
    'two root boundaries',
    () => details((d) => (d.boundaries as object[]).push({ code: 'MZ_P02', isRoot: true })),
    400,
    'BOUNDARY_ROOT',
    /exactly one boundary must have isRoot true, found 2/,
  ],
  [
    'no user resource',
    () =>
      details((d) => (d.resources = (d.resources as { type: string }[]).filter((r) => r.type !== 'user'))),
    400,
    'RESOURCE_MISSING',
    /resource of type user/,
  ],
  [
    'an unknown product variant',
    () =>
      details((d) =>
        (d.deliveryRules as unknown[]).push({
          deliveries: [{ deliveryRules: [{ products: [{ value: 'PVAR-NOPE' }] }] }],
        }),
      ),
    400,
    'PRODUCT_VARIANT_NOT_FOUND',
    /product variant PVAR-NOPE/,
  ],
  [
    'a filestore id that does not exist',
    () => details((d) => ((d.resources as { filestoreId: string }[])[1]!.filestoreId = 'missing-file-id')),
    400,
    'RESOURCE_FILE_NOT_FOUND',
    /missing-file-id is not in the filestore/,
  ],
  [
    'a caller without the campaign-manager role',
    () => valid.details,
    403,
    'ACCESS_DENIED',
    /CAMPAIGN_MANAGER role/,
    (ri) => ({
      ...ri,
      userInfo: { ...ri.userInfo!, roles: [{ code: 'DISTRIBUTOR', name: 'Distributor', tenantId: 'mz' }] },
    }),
  ],
  [
    'a caller of another tenant',
    () => valid.details,
    403,
    'TENANT_MISMATCH',
    /does not belong to tenant mz/,
    (ri) => ({
      ...ri,
      userInfo: {
        ...ri.userInfo!,
        tenantId: 'ke',
        roles: [{ code: 'CAMPAIGN_MANAGER', name: 'Campaign Manager', tenantId: 'ke' }],
      },
    }),
  ],
  [
    'a facility sheet with a duplicate name',
    () => withSheetDefects({ facility: { duplicateName: 1 } }),
    400,
    'DUPLICATE_FACILITY_NAME',
    /^facility file: Sheet HCM_ADMIN_CONSOLE_FACILITIES, row \d+, column HCM_ADMIN_CONSOLE_FACILITY_NAME: /,
  ],
  [
    'a facility sheet with an unknown type',
    () => withSheetDefects({ facility: { invalidType: 1 } }),
    400,
    'INVALID_FACILITY_TYPE',
    /column HCM_ADMIN_CONSOLE_FACILITY_TYPE/,
  ],
  [
    'a user sheet with a 5-digit phone',
    () => withSheetDefects({ user: { invalidPhone: 1 } }),
    400,
    'INVALID_PHONE',
    /^user file: Sheet HCM_ADMIN_CONSOLE_USER_LIST, row \d+, column HCM_ADMIN_CONSOLE_USER_PHONE_NUMBER: .* 10-digit/,
  ],
  [
    'a user sheet with a phone twice',
    () => withSheetDefects({ user: { duplicatePhone: 1 } }),
    400,
    'DUPLICATE_PHONE',
    /column HCM_ADMIN_CONSOLE_USER_PHONE_NUMBER/,
  ],
  [
    'a user sheet naming a boundary outside the campaign',
    () => withSheetDefects({ user: { unknownBoundary: 1 } }),
    400,
    'UNKNOWN_BOUNDARY',
    /column HCM_ADMIN_CONSOLE_BOUNDARY_CODE_MANDATORY/,
  ],
  [
    'a target sheet with a zero target',
    () => withSheetDefects({ target: { zeroTarget: 1 } }),
    400,
    'INVALID_TARGET',
    /column HCM_ADMIN_CONSOLE_TARGET/,
  ],
];

describe('rejected create requests', () => {
  const table: RejectionCase[] = cases.map(([name, make, status, code, message, caller]) => ({
    name,
    make,
    status,
    code,
    message,
    caller,
  }));
  it.each(table)(
    'rejects $name with the precise error and stores nothing',
    async ({ make, status, code, message, caller }) => {
      const before = await storedRows();
      const answer = await client.create(await make(), caller ? caller(manager) : manager);
      expect(answer.status).toBe(status);
      expect(answer.data.Errors?.some((error) => error.code === code && message.test(error.message))).toBe(
        true,
      );
      expect(await storedRows()).toBe(before);
    },
  );

  it('rejects a resource that is not a workbook at all', async () => {
    const filestoreId = await uploadFile(
      infrastructure.digit.url,
      Buffer.from('name,phone\nA,1234567890\n'),
      'users.xlsx',
      { tenantId: 'mz' },
    );
    const answer = await client.create(
      details(
        (d) =>
          ((d.resources as { type: string; filestoreId: string }[]).find(
            (r) => r.type === 'user',
          )!.filestoreId = filestoreId),
      ),
    );
    expect(answer.status).toBe(400);
    expect(answer.data.Errors?.[0]?.code).toBe('UNREADABLE_WORKBOOK');
    expect(answer.data.Errors?.[0]?.message).toMatch(/^user file: /);
  });

  it("reports every sheet error, not only the first, and returns the processed sheet with each row's errors", async () => {
    const answer = await client.create(
      await withSheetDefects({ user: { invalidPhone: 2, invalidRole: 1 }, facility: { invalidCapacity: 1 } }),
    );
    expect(answer.status).toBe(400);
    const errors = answer.data.Errors ?? [];
    expect(errors.filter((error) => error.message.startsWith('user file')).length).toBe(3);
    expect(errors.filter((error) => error.message.startsWith('facility file')).length).toBe(1);
    const processed = answer.data.processedResources?.find((resource) => resource.type === 'user');
    expect(processed).toBeDefined();
    const urls = (await (
      await fetch(
        `${infrastructure.digit.url}/filestore/v1/files/url?tenantId=mz&fileStoreIds=${processed!.filestoreId}`,
      )
    ).json()) as { fileStoreIds: { url: string }[] };
    const bytes = Buffer.from(await (await fetch(urls.fileStoreIds[0]!.url)).arrayBuffer());
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('HCM_ADMIN_CONSOLE_USER_LIST');
    const keys = (sheet?.getRow(1).values as unknown[]) ?? [];
    const column = keys.indexOf(ERROR_DETAILS_COLUMN);
    expect(column).toBeGreaterThan(0);
    const rowsWithErrors: number[] = [];
    sheet?.eachRow((row, number) => {
      if (number >= 3 && row.getCell(column).text) rowsWithErrors.push(number);
    });
    expect(rowsWithErrors).toHaveLength(3);
  });

  it('answers 403 before looking at the body: no role, or another tenant, with a malformed body', async () => {
    const withoutRole = {
      ...client.requestInfo,
      userInfo: {
        ...client.requestInfo.userInfo!,
        roles: [{ code: 'DISTRIBUTOR', name: 'Distributor', tenantId: 'mz' }],
      },
    };
    const otherTenant = {
      ...client.requestInfo,
      userInfo: {
        ...client.requestInfo.userInfo!,
        tenantId: 'ke',
        roles: [{ code: 'CAMPAIGN_MANAGER', name: 'Campaign Manager', tenantId: 'ke' }],
      },
    };
    const malformed = { tenantId: 'mz', campaignName: 5, resources: 'none', startDate: 'soon' };
    for (const [requestInfo, code] of [
      [withoutRole, 'ACCESS_DENIED'],
      [otherTenant, 'TENANT_MISMATCH'],
    ] as const) {
      const create = await client.create(malformed, requestInfo);
      expect([create.status, create.data.Errors?.[0]?.code]).toEqual([403, code]);
      for (const route of ['retry', 'cancel-campaign']) {
        const answer = await fetch(`${services.url('status')}/project-factory/v1/project-type/${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            RequestInfo: requestInfo,
            CampaignDetails: { id: 'not-a-uuid', tenantId: 'mz' },
          }),
        });
        expect(answer.status).toBe(403);
        expect(((await answer.json()) as { Errors: { code: string }[] }).Errors[0]?.code).toBe(code);
      }
    }
    const anonymous = await client.create(malformed, { apiId: 'Rainmaker' } as typeof client.requestInfo);
    expect([anonymous.status, anonymous.data.Errors?.[0]?.code]).toEqual([403, 'UNAUTHORIZED']);
  });

  it('answers 404 for an id that is no campaign, uuid or not, as project-factory does', async () => {
    for (const route of ['retry', 'cancel-campaign', 'progress']) {
      for (const id of ['CMP-2026-not-an-id', '00000000-0000-4000-8000-000000000000']) {
        const answer = await fetch(`${services.url('status')}/project-factory/v1/project-type/${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ RequestInfo: client.requestInfo, CampaignDetails: { id, tenantId: 'mz' } }),
        });
        expect([route, id, answer.status]).toEqual([route, id, 404]);
        expect(((await answer.json()) as { Errors: { code: string }[] }).Errors[0]?.code).toBe(
          'CAMPAIGN_NOT_FOUND',
        );
      }
    }
  });

  it('accepts the valid request the bad ones were made from', async () => {
    const answer = await client.create(valid.details);
    expect(answer.status).toBe(200);
    expect(answer.data.CampaignDetails?.status).toBe('creating');
  });
});
