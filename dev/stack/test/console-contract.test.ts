// The DIGIT console's calls for a whole campaign, in its order, against the real stack behind one base
// URL. Request bodies are written field for field from reading the console (DIGIT-Frontend,
// health/micro-ui-react19/web/packages/modules/campaign-manager): the draft and launch bodies from
// utils/transformCreateData.js and utils/transformUpdateCreateData.js; templates from
// hooks/useGenerateIdCampaign.js and components/UploadData.js; sheet checks from hooks/useResourceData.js,
// hooks/useProcessData.js and components/CreateCampaignComponents/NewUploadData.js; status polling,
// retry, cancel and the credentials download from components/HCMMyCampaignRowCard.js; the timeline from
// components/TimelineComponent.js; the tabs' search criteria from configs/UICustomizations.js
// (MyCampaignConfigOngoing, ...Upcoming, ...Completed, ...Drafts, ...Failed). Each answer is checked for
// every field the console reads there. Answer fields the console does not read (summary, auditDetails,
// process-track types) follow project-factory (health-campaign-services,
// health-services/project-factory/src/server: controllers, config/constants.ts,
// service/campaignStatusService.ts).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  fetchHierarchy,
  fetchProjectType,
  generateCampaignSheets,
  uploadFile,
  type BoundaryHierarchy,
} from '@campaign-pipeline/dev-digit';
import axios, { type AxiosInstance } from 'axios';
import ExcelJS from 'exceljs';
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  campaignFixture,
  startGateway,
  startTestInfrastructure,
  startTestServices,
  type Gateway,
  type TestInfrastructure,
  type TestServices,
} from '../src/index.ts';

const TENANT = 'mz';
const CITY = 'mz.maputo';
const HIERARCHY = 'ADMIN';
const PROJECT_TYPE = 'LLIN-mz';
const VARIANT = 'PVAR-2026-01-01-000001';
const DAY = 86_400_000;

/** RequestInfo as the console's request wrapper sends it: the logged-in employee's userInfo. */
function consoleRequestInfo(roles: { code: string; tenantId: string }[], uuid = 'console-manager-1') {
  return {
    apiId: 'Rainmaker',
    authToken: 'a-session-token',
    msgId: `${Date.now()}|en_MZ`,
    plainAccessRequest: {},
    userInfo: {
      id: 101,
      uuid,
      userName: 'cm.console',
      name: 'Console Manager',
      mobileNumber: '9999999999',
      emailId: null,
      locale: null,
      type: 'EMPLOYEE',
      roles: roles.map((role) => ({ name: role.code, ...role })),
      active: true,
      tenantId: TENANT,
      permanentCity: null,
    },
  };
}
const manager = consoleRequestInfo([{ code: 'CAMPAIGN_MANAGER', tenantId: TENANT }]);

let infrastructure: TestInfrastructure;
let services: TestServices;
let gateway: Gateway;
let api: AxiosInstance;
let hierarchy: BoundaryHierarchy;

beforeAll(async () => {
  infrastructure = await startTestInfrastructure();
  services = await startTestServices(infrastructure, {
    env: { CREDENTIALS_KEY: randomBytes(32).toString('base64'), CREDENTIALS_TTL_MS: '60000' },
  });
  gateway = await startGateway({ port: 0, urlOf: (name) => services.url(name) });
  api = axios.create({ baseURL: gateway.url, validateStatus: () => true, timeout: 60_000 });
  hierarchy = await fetchHierarchy(infrastructure.digit.url, TENANT, HIERARCHY);
});

afterAll(async () => {
  await gateway?.stop();
  await services?.stop();
  await infrastructure?.stop();
});

/** Digit.CustomService: POST, RequestInfo in the body, parameters in the query string. */
async function call(url: string, body: Record<string, unknown>, params?: Record<string, unknown>) {
  const answer = await api.post(url, { RequestInfo: manager, ...body }, { params });
  return answer as { status: number; data: Record<string, unknown> & { Errors?: { code: string }[] } };
}

/** Digit.UploadServices.Filefetch, then the file behind the signed URL. */
async function fetchFile(fileStoreId: string): Promise<ExcelJS.Workbook> {
  const { data } = await axios.get<{ fileStoreIds: { id: string; url: string }[] }>(
    `${infrastructure.digit.url}/filestore/v1/files/url`,
    { params: { tenantId: TENANT, fileStoreIds: fileStoreId } },
  );
  const url = data.fileStoreIds.find((file) => file.id === fileStoreId)?.url as string;
  const bytes = await axios.get<ArrayBuffer>(url, { responseType: 'arraybuffer' });
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes.data);
  return workbook;
}

/** Data rows (from row 3) as key → value by the row-1 keys. */
function rowsOf(sheet: ExcelJS.Worksheet): Record<string, unknown>[] {
  // Row values are sparse (Excel columns start at 1): made dense so every column has its key.
  const keys = Array.from(sheet.getRow(1).values as unknown[], (value) => String(value ?? ''));
  const rows: Record<string, unknown>[] = [];
  sheet.eachRow((row, number) => {
    if (number < 3) return;
    const values = Array.from(row.values as unknown[]);
    rows.push(Object.fromEntries(keys.map((key, index) => [key, values[index]])));
  });
  return rows;
}

/** Polls until done, or returns the last answer after timeoutMs (within the test timeout, so it fails with its assertion). */
async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** A DIGIT service called directly, as an administrator checks what the campaign did there. */
async function digitCall<T>(url: string, body: Record<string, unknown>, params: Record<string, unknown>) {
  const answer = await axios.post<T>(
    `${infrastructure.digit.url}${url}`,
    { RequestInfo: manager, ...body },
    {
      params: { tenantId: TENANT, limit: 1000, offset: 0, ...params },
    },
  );
  return answer.data;
}

interface ExistingFacility {
  id: string;
  name: string;
  usage: string;
  isPermanent: boolean;
  storageCapacity: number;
}

/** Column keys of the facility sheet (row 1 of DIGIT's template). */
const FacilityKey = {
  code: 'HCM_ADMIN_CONSOLE_FACILITY_CODE',
  name: 'HCM_ADMIN_CONSOLE_FACILITY_NAME',
  type: 'HCM_ADMIN_CONSOLE_FACILITY_TYPE',
  status: 'HCM_ADMIN_CONSOLE_FACILITY_STATUS',
  capacity: 'HCM_ADMIN_CONSOLE_FACILITY_CAPACITY',
  boundary: 'HCM_ADMIN_CONSOLE_BOUNDARY_CODE_MANDATORY',
  usage: 'HCM_ADMIN_CONSOLE_FACILITY_USAGE',
} as const;

/** Sets cells of the data row whose column `key` holds `value`, as a person edits the downloaded file. */
function editRow(sheet: ExcelJS.Worksheet, key: string, value: string, cells: Record<string, string>) {
  const keys = Array.from(sheet.getRow(1).values as unknown[], (cell) => String(cell ?? ''));
  let edited = 0;
  sheet.eachRow((row, number) => {
    if (number < 3 || row.getCell(keys.indexOf(key)).value !== value) return;
    for (const [column, text] of Object.entries(cells)) row.getCell(keys.indexOf(column)).value = text;
    edited++;
  });
  expect(edited).toBe(1);
}

/** Adds rows (by column key) below the last one, as a person adds new facilities to the template. */
function appendRows(sheet: ExcelJS.Worksheet, rows: readonly Record<string, unknown>[]) {
  const keys = Array.from(sheet.getRow(1).values as unknown[], (cell) => String(cell ?? '')).slice(1);
  for (const row of rows) sheet.addRow(keys.map((key) => (row[key] ?? null) as ExcelJS.CellValue));
}

describe('the DIGIT console drives a whole campaign', () => {
  // One district and everything under it: 25 localities in the simulator's S hierarchy.
  const district = () => hierarchy.codesByType.get('DISTRICT')?.[0] as string;
  const campaign = { id: '', campaignNumber: '', name: `Bednets ${Date.now()}` };
  const start = Date.now() - DAY;
  const end = Date.now() + 30 * DAY;
  const resources: { type: string; filename: string; filestoreId: string; resourceId: string }[] = [];
  /** Facilities the tenant had in DIGIT before the campaign: one is taken up, the other is not. */
  const existing: ExistingFacility[] = [];
  let facilityTemplate: ExcelJS.Workbook | undefined;
  const boundaries = () => [
    { code: district(), type: 'DISTRICT', isRoot: true, includeAllChildren: true, parent: null },
  ];
  const additionalDetails = {
    beneficiaryType: 'HOUSEHOLD',
    key: 2,
    cycleData: { cycleData: [], cycleConfgureDate: {} },
    isUnifiedCampaign: true,
  };
  /** The delivery rules of the console's cycle screens: variants in the rule's resources. */
  const deliveryRules = [
    {
      active: true,
      cycles: [
        {
          id: 1,
          startDate: start,
          endDate: end,
          deliveries: [
            {
              id: 1,
              deliveryStrategy: 'DIRECT',
              doseCriteria: [
                {
                  condition: 'memberCount<=5',
                  ProductVariants: [{ productVariantId: VARIANT, quantity: 1 }],
                },
              ],
            },
          ],
        },
      ],
      resources: [{ productVariantId: VARIANT, name: 'Bednet - 1' }],
      projectType: PROJECT_TYPE,
    },
  ];

  it('saves a draft (create, action draft) with no resources, boundaries or dates yet', async () => {
    const answer = await call('/v1/project-type/create', {
      CampaignDetails: {
        hierarchyType: HIERARCHY,
        tenantId: TENANT,
        action: 'draft',
        parentId: null,
        campaignName: campaign.name,
        projectType: PROJECT_TYPE,
        endDate: null,
        startDate: null,
        isActive: true,
        status: 'drafted',
        additionalDetails,
      },
    });
    expect(answer.status).toBe(200);
    const details = answer.data.CampaignDetails as Record<string, unknown>;
    expect(details).toMatchObject({ tenantId: TENANT, status: 'drafted', campaignName: campaign.name });
    expect(details.campaignNumber).toMatch(/^CMP-/);
    campaign.campaignNumber = details.campaignNumber as string;
    campaign.id = details.id as string;

    // fetchValidCampaignName and the draft's reload (fetchLatestCampaignData) search by name and by id.
    const byName = await call('/v1/project-type/search', {
      CampaignDetails: { tenantId: TENANT, campaignName: campaign.name },
    });
    expect((byName.data.CampaignDetails as unknown[]).length).toBe(1);
    const byId = await call('/v1/project-type/search', {
      CampaignDetails: { tenantId: TENANT, ids: [campaign.id] },
    });
    expect((byId.data.CampaignDetails as Record<string, unknown>[])[0]).toMatchObject({
      id: campaign.id,
      campaignNumber: campaign.campaignNumber,
      hierarchyType: HIERARCHY,
      projectType: PROJECT_TYPE,
      startDate: null,
      endDate: null,
      boundaries: [],
      resources: [],
      additionalDetails,
      status: 'drafted',
    });
  });

  it('refuses a second campaign of the same name, as project-factory does', async () => {
    const answer = await call('/v1/project-type/create', {
      CampaignDetails: {
        hierarchyType: HIERARCHY,
        tenantId: TENANT,
        action: 'draft',
        campaignName: campaign.name,
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.data.Errors?.[0]?.code).toBe('CAMPAIGN_NAME_ERROR');
  });

  it('edits the draft (update, action draft) with dates and boundaries', async () => {
    const answer = await call('/v1/project-type/update', {
      CampaignDetails: {
        hierarchyType: HIERARCHY,
        tenantId: TENANT,
        action: 'draft',
        parentId: null,
        id: campaign.id,
        campaignName: campaign.name,
        boundaries: boundaries(),
        deliveryRules,
        projectType: PROJECT_TYPE,
        endDate: end,
        startDate: start,
        isActive: true,
        status: 'drafted',
        additionalDetails,
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.data.CampaignDetails).toMatchObject({
      campaignNumber: campaign.campaignNumber,
      tenantId: TENANT,
      startDate: start,
      boundaries: boundaries(),
    });
  });

  it("generates and downloads the three templates, the facility one listing the tenant's facilities", async () => {
    // The tenant's facilities, created in DIGIT's facility service before the campaign.
    const locality = hierarchy.codesByType.get('LOCALITY')?.[0] as string;
    for (const [name, usage, isPermanent, storageCapacity] of [
      [`Armazém Provincial ${campaign.name}`, 'Warehouse', true, 20_000],
      [`Centro de Saúde ${campaign.name}`, 'Health Facility', false, 300],
    ] as const) {
      const facility = { tenantId: TENANT, name, usage, isPermanent, storageCapacity };
      const created = await digitCall<{ Facility: { id: string } }>(
        '/facility/v1/_create',
        { Facility: { ...facility, address: { tenantId: TENANT, locality: { code: locality } } } },
        {},
      );
      existing.push({ ...facility, id: created.Facility.id });
    }

    const leaves = hierarchy.codesByType.get('LOCALITY')?.length ?? 0;
    for (const type of ['boundary', 'facilityWithBoundary', 'userWithBoundary']) {
      const params = {
        tenantId: TENANT,
        type,
        forceUpdate: 'true',
        hierarchyType: HIERARCHY,
        campaignId: campaign.id,
      };
      const generated = await call(
        '/v1/data/_generate',
        type === 'boundary' ? { Filters: null } : {},
        params,
      );
      expect(generated.status).toBe(200);
      expect((generated.data.GeneratedResource as { id: string }[])[0]?.id).toEqual(expect.any(String));

      const downloaded = await call(
        '/v1/data/_download',
        {},
        { tenantId: TENANT, type, hierarchyType: HIERARCHY, campaignId: campaign.id, status: 'completed' },
      );
      expect(downloaded.status).toBe(200);
      const [resource] = downloaded.data.GeneratedResource as { status: string; fileStoreid: string }[];
      expect(resource?.status).toBe('completed');
      const workbook = await fetchFile(resource?.fileStoreid as string);
      if (type === 'boundary') {
        const codes = workbook.worksheets.flatMap((sheet) =>
          rowsOf(sheet).map((row) => row.HCM_ADMIN_CONSOLE_BOUNDARY_CODE),
        );
        expect(codes.length).toBe(leaves / 4);
        expect(new Set(codes).size).toBe(codes.length);
      } else {
        const sheet =
          type === 'facilityWithBoundary' ? 'HCM_ADMIN_CONSOLE_FACILITIES' : 'HCM_ADMIN_CONSOLE_USER_LIST';
        expect(workbook.getWorksheet(sheet)?.getRow(1).values).toContain(
          'HCM_ADMIN_CONSOLE_BOUNDARY_CODE_MANDATORY',
        );
      }
      if (type === 'facilityWithBoundary') {
        // Each existing facility is a row named by its DIGIT id, not yet used (Inactive, no boundary).
        const rows = rowsOf(workbook.getWorksheet('HCM_ADMIN_CONSOLE_FACILITIES') as ExcelJS.Worksheet);
        for (const facility of existing) {
          const row = rows.find((found) => found[FacilityKey.code] === facility.id);
          expect(row).toMatchObject({
            [FacilityKey.name]: facility.name,
            [FacilityKey.type]: facility.usage,
            [FacilityKey.status]: facility.isPermanent ? 'Permanent' : 'Temporary',
            [FacilityKey.capacity]: facility.storageCapacity,
            [FacilityKey.usage]: 'Inactive',
          });
          expect(row?.[FacilityKey.boundary] ?? '').toBe('');
        }
        facilityTemplate = workbook;
      }
    }
  });

  /** useResourceData: data/_create with action validate, then data/_search until a final status. */
  async function validate(type: string, bytes: Buffer, filename: string, via: 'v1' | 'v2' = 'v1') {
    const fileStoreId = await uploadFile(infrastructure.digit.url, bytes, filename, { tenantId: TENANT });
    const details = {
      type,
      hierarchyType: HIERARCHY,
      tenantId: TENANT,
      fileStoreId,
      ...(via === 'v1' ? { action: 'validate' } : {}),
      campaignId: campaign.id,
      additionalDetails: {},
    };
    const created = await call(via === 'v1' ? '/v1/data/_create' : '/v2/data/_process', {
      ResourceDetails: details,
    });
    expect(created.status).toBe(200);
    const id = (created.data.ResourceDetails as { id: string }).id;
    const searched = await poll(
      () => call('/v1/data/_search', { SearchCriteria: { id: [id], tenantId: TENANT, type } }),
      (answer) =>
        ['completed', 'invalid', 'failed'].includes(
          (answer.data.ResourceDetails as { status: string }[] | undefined)?.[0]?.status ?? '',
        ),
    );
    const [found] = searched.data.ResourceDetails as {
      id: string;
      status: string;
      processedFilestoreId: string | null;
      processedFileStoreId: string | null;
      additionalDetails: { sheetErrors: { rowNumber: number | null; message: string }[] };
    }[];
    return { fileStoreId, resource: found as NonNullable<typeof found> };
  }

  it('checks the three uploads with the create rules, answering a processed workbook', async () => {
    const projectType = await fetchProjectType(infrastructure.digit.url, TENANT, PROJECT_TYPE);
    const options = { hierarchy, projectType, boundaries: [district()], facilities: 5, users: 6 };
    const flawed = await generateCampaignSheets({
      ...options,
      defects: { facility: { invalidCapacity: 1 } },
    });
    const rejected = await validate('facility', flawed.facility, 'facilities.xlsx');
    expect(rejected.resource.status).toBe('invalid');
    expect(rejected.resource.additionalDetails.sheetErrors.length).toBeGreaterThan(0);
    const processed = await fetchFile(rejected.resource.processedFilestoreId as string);
    const marked = rowsOf(processed.getWorksheet('HCM_ADMIN_CONSOLE_FACILITIES') as ExcelJS.Worksheet);
    const defect = flawed.defects[0] as { row: number };
    expect(marked[defect.row - 3]).toMatchObject({
      '#status#': 'invalid',
      '#errorDetails#': expect.any(String),
    });

    // The downloaded facility template: one existing facility taken into the campaign (Active, at the
    // district), the other left as it was, and the campaign's new facilities added below.
    const sheets = await generateCampaignSheets(options);
    const template = facilityTemplate as ExcelJS.Workbook;
    const facilitySheet = template.getWorksheet('HCM_ADMIN_CONSOLE_FACILITIES') as ExcelJS.Worksheet;
    editRow(facilitySheet, FacilityKey.code, existing[0]?.id as string, {
      [FacilityKey.usage]: 'Active',
      [FacilityKey.boundary]: district(),
    });
    const added = new ExcelJS.Workbook();
    await added.xlsx.load(Uint8Array.from(sheets.facility).buffer);
    appendRows(
      facilitySheet,
      rowsOf(added.getWorksheet('HCM_ADMIN_CONSOLE_FACILITIES') as ExcelJS.Worksheet),
    );
    const facilities = Buffer.from(await template.xlsx.writeBuffer());

    const uploads = [
      { type: 'facility', bytes: facilities, filename: sheets.filenames.facility, via: 'v1' as const },
      // The newer upload screen checks through v2 as <type>Validation.
      { type: 'userValidation', bytes: sheets.user, filename: sheets.filenames.user, via: 'v2' as const },
      {
        type: 'boundaryWithTarget',
        bytes: sheets.target,
        filename: sheets.filenames.target,
        via: 'v1' as const,
      },
    ];
    for (const upload of uploads) {
      const { fileStoreId, resource } = await validate(
        upload.type,
        upload.bytes,
        upload.filename,
        upload.via,
      );
      expect(resource.status).toBe('completed');
      expect(resource.additionalDetails.sheetErrors).toEqual([]);
      expect(resource.processedFileStoreId).toBe(resource.processedFilestoreId);
      resources.push({
        type: upload.type === 'userValidation' ? 'user' : upload.type,
        filename: upload.filename,
        filestoreId: fileStoreId,
        resourceId: resource.id,
      });
    }
  });

  it('launches the draft (update, action create) with the create checks, and polls its status until done', async () => {
    const draft = await call('/v1/project-type/update', {
      CampaignDetails: {
        hierarchyType: HIERARCHY,
        tenantId: TENANT,
        action: 'draft',
        parentId: null,
        id: campaign.id,
        campaignName: campaign.name,
        resources,
        boundaries: boundaries(),
        deliveryRules,
        projectType: PROJECT_TYPE,
        endDate: end,
        startDate: start,
        isActive: true,
        status: 'drafted',
        additionalDetails,
      },
    });
    expect(draft.status).toBe(200);
    const launched = await call('/v1/project-type/update', {
      CampaignDetails: {
        hierarchyType: HIERARCHY,
        tenantId: TENANT,
        action: 'create',
        parentId: null,
        campaignName: campaign.name,
        campaignNumber: campaign.campaignNumber,
        deliveryRules,
        boundaries: boundaries(),
        id: campaign.id,
        resources,
        projectType: PROJECT_TYPE,
        endDate: end,
        startDate: start,
        isActive: true,
        status: 'drafted',
        additionalDetails: { beneficiaryType: 'HOUSEHOLD', key: 2, cycleData: {}, isUnifiedCampaign: true },
      },
    });
    expect(launched.status).toBe(200);
    expect(launched.data.CampaignDetails).toMatchObject({
      campaignNumber: campaign.campaignNumber,
      id: campaign.id,
      status: 'creating',
    });

    type Process = { processname: string; status: string };
    const status = () =>
      call('/v1/project-type/status', {
        CampaignDetails: { campaignNumber: campaign.campaignNumber, tenantId: TENANT },
      });
    const done = await poll(status, (answer) => {
      const processes =
        (answer.data.CampaignStatus as { processes?: Process[] } | undefined)?.processes ?? [];
      return (
        processes.length > 0 && processes.every((process) => ['completed', 'failed'].includes(process.status))
      );
    });
    const campaignStatus = done.data.CampaignStatus as {
      campaignNumber: string;
      summary: Record<string, Record<string, number>>;
      processes: Process[];
    };
    expect(campaignStatus.campaignNumber).toBe(campaign.campaignNumber);
    expect(campaignStatus.processes).toEqual([
      expect.objectContaining({ processname: 'CAMPAIGN_PROJECT_CREATION_PROCESS', status: 'completed' }),
      expect.objectContaining({ processname: 'CAMPAIGN_FACILITY_CREATION_PROCESS', status: 'completed' }),
      expect.objectContaining({ processname: 'CAMPAIGN_USER_CREATION_PROCESS', status: 'completed' }),
      expect.objectContaining({ processname: 'CAMPAIGN_FACILITY_MAPPING_PROCESS', status: 'completed' }),
      expect.objectContaining({ processname: 'CAMPAIGN_USER_MAPPING_PROCESS', status: 'completed' }),
      expect.objectContaining({ processname: 'CAMPAIGN_RESOURCE_MAPPING_PROCESS', status: 'completed' }),
    ]);
    expect(campaignStatus.summary.user?.completed).toBeGreaterThan(0);
    expect(campaignStatus.summary.resource?.mapped).toBeGreaterThan(0);

    // The row card reloads the list when every process is done; the campaign is then created.
    const created = await poll(
      () => call('/v1/project-type/search', { CampaignDetails: { tenantId: TENANT, ids: [campaign.id] } }),
      (answer) => (answer.data.CampaignDetails as { status: string }[])[0]?.status === 'created',
    );
    expect((created.data.CampaignDetails as { status: string }[])[0]?.status).toBe('created');
  });

  it('maps the existing facility marked Active to the campaign, creating no facility of its name', async () => {
    const { Project: projects } = await digitCall<{ Project: { id: string }[] }>(
      '/health-project/v1/_search',
      { Projects: [{ tenantId: TENANT, referenceID: campaign.campaignNumber }] },
      {},
    );
    expect(projects.length).toBeGreaterThan(0);
    const { ProjectFacilities: mappings } = await digitCall<{
      ProjectFacilities: { projectId: string; facilityId: string }[];
    }>(
      '/health-project/facility/v1/_search',
      { ProjectFacility: { projectId: projects.map((p) => p.id) } },
      {},
    );
    const mapped = new Set(mappings.map((mapping) => mapping.facilityId));
    const [taken, untouched] = existing as [ExistingFacility, ExistingFacility];
    expect(mapped).toContain(taken.id);
    expect(mapped).not.toContain(untouched.id);

    for (const facility of existing) {
      const { Facilities: named } = await digitCall<{ Facilities: { id: string }[] }>(
        '/facility/v1/_search',
        { Facility: { name: facility.name } },
        {},
      );
      expect(named.map((found) => found.id)).toEqual([facility.id]);
    }
  });

  it('draws the timeline from getProcessTrack', async () => {
    const answer = await call(
      '/v1/project-type/getProcessTrack',
      {},
      { campaignId: campaign.id, tenantId: TENANT },
    );
    expect(answer.status).toBe(200);
    const track = answer.data.processTrack as {
      type: string;
      status: string;
      showInUi: boolean;
      lastModifiedTime: number;
    }[];
    const shown = track.filter((process) => process.showInUi);
    expect(shown.every((process) => process.status === 'completed')).toBe(true);
    expect(shown.map((process) => process.type)).toContain('campaign-creation');
    expect(shown.every((process) => typeof process.lastModifiedTime === 'number')).toBe(true);
  });

  it('downloads the user credentials for a campaign manager only, never logging a password', async () => {
    const params = {
      tenantId: TENANT,
      campaignId: campaign.id,
      type: 'userCredential',
      hierarchyType: HIERARCHY,
    };
    const distributor = consoleRequestInfo([{ code: 'DISTRIBUTOR', tenantId: TENANT }], 'field-user');
    const refused = await api.post('/v1/data/_download', { RequestInfo: distributor }, { params });
    expect(refused.status).toBe(403);

    const answer = await call('/v1/data/_download', {}, params);
    expect(answer.status).toBe(200);
    const fileStoreId = (answer.data.GeneratedResource as { fileStoreid: string }[])[0]
      ?.fileStoreid as string;
    const workbook = await fetchFile(fileStoreId);
    const users = rowsOf(workbook.worksheets[0] as ExcelJS.Worksheet);
    expect(users.length).toBeGreaterThan(0);
    for (const user of users) {
      expect(user.UserName).toEqual(expect.any(String));
      expect(String(user.Password)).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[@#$%]).{8,15}$/);
    }
    const logDir = path.join(infrastructure.dir, 'logs');
    const logs = await Promise.all(
      (await readdir(logDir)).map((file) => readFile(path.join(logDir, file), 'utf8')),
    );
    for (const user of users) expect(logs.join('\n')).not.toContain(String(user.Password));
  });

  it('lists a failed campaign in the failed tab and retries it as the row card does (update, action create)', async () => {
    const hrmsDown = {
      kind: 'error' as const,
      path: '/health-hrms/employees/_create',
      rate: 1,
      status: 400,
      code: 'ERR_HRMS_DB_DOWN',
      message: 'HRMS database is down',
    };
    await infrastructure.digit.client.setBehaviour({ hrms: { faults: [hrmsDown] } });
    const second = hierarchy.codesByType.get('DISTRICT')?.[1] as string;
    const fixture = await campaignFixture({
      digitUrl: infrastructure.digit.url,
      boundaries: [second],
      facilities: 3,
      users: 3,
      // Other staff than the first campaign's: a phone held by another person fails user creation.
      seed: 7,
      campaignName: `Failing ${campaign.name}`,
    });
    const created = await call('/v1/project-type/create', { CampaignDetails: fixture.details });
    expect(created.status).toBe(200);
    const id = (created.data.CampaignDetails as { id: string }).id;
    const byId = () => call('/v1/project-type/search', { CampaignDetails: { tenantId: TENANT, ids: [id] } });
    const statusOf = (answer: { data: Record<string, unknown> }) =>
      (answer.data.CampaignDetails as { status: string }[])[0]?.status;
    expect(statusOf(await poll(byId, (answer) => statusOf(answer) === 'failed'))).toBe('failed');

    const failedTab = await call('/v1/project-type/search', {
      CampaignDetails: {
        tenantId: TENANT,
        status: ['failed'],
        isLikeSearch: true,
        isOverrideDatesFromProject: true,
        createdBy: manager.userInfo.uuid,
        pagination: { sortBy: 'createdTime', sortOrder: 'desc', limit: 10, offset: 0 },
      },
    });
    const row = (failedTab.data.CampaignDetails as Record<string, unknown>[]).find(
      (found) => found.id === id,
    );
    expect(row).toMatchObject({
      status: 'failed',
      startDate: expect.any(Number),
      campaignNumber: expect.any(String),
    });

    await infrastructure.digit.client.setBehaviour({ hrms: { faults: [] } });
    const retried = await call('/v1/project-type/update', { CampaignDetails: { ...row, action: 'create' } });
    expect(retried.status).toBe(200);
    expect(retried.data.CampaignDetails).toMatchObject({ id, status: 'creating' });
    expect(statusOf(await poll(byId, (answer) => statusOf(answer) === 'created'))).toBe('created');
  });

  it('finds the campaign in the tabs its dates and status put it in', async () => {
    const tab = async (criteria: Record<string, unknown>) => {
      const answer = await call('/v1/project-type/search', {
        CampaignDetails: {
          tenantId: TENANT,
          isLikeSearch: true,
          isOverrideDatesFromProject: true,
          createdBy: manager.userInfo.uuid,
          pagination: { sortBy: 'createdTime', sortOrder: 'desc', limit: 10, offset: 0 },
          ...criteria,
        },
      });
      expect(answer.status).toBe(200);
      const found = answer.data.CampaignDetails as Record<string, unknown>[];
      expect(answer.data.totalCount).toBeGreaterThanOrEqual(found.length);
      return found;
    };
    const tomorrow = Date.now() + DAY;
    const yesterday = Date.now() - DAY;
    const ongoing = await tab({
      status: ['creating', 'created'],
      campaignsIncludeDates: true,
      startDate: Date.now(),
      endDate: Date.now(),
      campaignName: campaign.name.slice(0, 7),
    });
    const row = ongoing.find((found) => found.id === campaign.id);
    expect(row).toMatchObject({
      campaignName: campaign.name,
      campaignNumber: campaign.campaignNumber,
      projectType: PROJECT_TYPE,
      hierarchyType: HIERARCHY,
      status: 'created',
      startDate: start,
      endDate: end,
      deliveryRules,
      auditDetails: { lastModifiedTime: expect.any(Number) },
    });
    const upcoming = await tab({
      status: ['creating', 'created'],
      campaignsIncludeDates: false,
      startDate: tomorrow,
    });
    const completed = await tab({ status: ['creating', 'created'], endDate: yesterday });
    const failed = await tab({ status: ['failed'] });
    for (const other of [upcoming, completed, failed])
      expect(other.map((found) => found.id)).not.toContain(campaign.id);
    const drafts = await tab({ status: ['drafted'] });
    expect(drafts.map((found) => found.id)).not.toContain(campaign.id);
  });

  it('answers the searches DIGIT services send for a campaign, whatever the role of their caller', async () => {
    // plan-service (util/CampaignUtil.java) and excel-ingestion (service/CampaignService.java) in
    // health-campaign-services pass their caller's RequestInfo on, e.g. a microplan administrator.
    const planner = consoleRequestInfo([{ code: 'MICROPLAN_ADMIN', tenantId: TENANT }], 'planner');
    const bodies = [
      { tenantId: TENANT, ids: [campaign.id], pagination: { limit: 10, offset: 0 } },
      { tenantId: TENANT, ids: [campaign.id], isActive: true, pagination: { limit: 1, offset: 0 } },
    ];
    for (const criteria of bodies) {
      const answer = await api.post('/v1/project-type/search', {
        RequestInfo: planner,
        CampaignDetails: criteria,
      });
      expect(answer.status).toBe(200);
      expect(answer.data.CampaignDetails[0]).toMatchObject({
        id: campaign.id,
        projectType: PROJECT_TYPE,
        boundaries: boundaries(),
        deliveryRules,
      });
    }
  });

  it('cancels another campaign with the state-level tenant, where the caller manages its city', async () => {
    const cityManager = consoleRequestInfo([{ code: 'CAMPAIGN_MANAGER', tenantId: CITY }], 'city-manager');
    const drafted = await api.post('/v1/project-type/create', {
      RequestInfo: cityManager,
      CampaignDetails: {
        hierarchyType: HIERARCHY,
        tenantId: CITY,
        action: 'draft',
        campaignName: 'City draft',
      },
    });
    expect(drafted.status).toBe(200);
    const other = drafted.data.CampaignDetails as { id: string };

    const cancel = (requestInfo: unknown) =>
      api.post('/v1/project-type/cancel-campaign', {
        RequestInfo: requestInfo,
        CampaignDetails: { tenantId: TENANT, campaignId: other.id },
      });
    const elsewhere = consoleRequestInfo(
      [{ code: 'CAMPAIGN_MANAGER', tenantId: 'mz.beira' }],
      'beira-manager',
    );
    expect((await cancel(elsewhere)).status).toBe(403);
    const cancelled = await cancel(cityManager);
    expect(cancelled.status).toBe(200);
    expect(cancelled.data.CampaignDetails).toMatchObject({
      id: other.id,
      status: 'cancelled',
      isActive: false,
    });
  });
});
