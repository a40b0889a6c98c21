import {
  jsonb,
  ApiError,
  DigitError,
  beginCampaignRun,
  CampaignBoundaries,
  downloadFile,
  enqueueMessages,
  existingProductVariants,
  findCampaign,
  findProjectType,
  generateId,
  invalidRowOutcomes,
  orderedBoundaryTypes,
  SHEET_LIMIT_VARIABLES,
  UNREADABLE_WORKBOOK_CODES,
  readFacilitySheet,
  readTargetSheet,
  readUserSheet,
  searchBoundaryTree,
  searchHierarchyDefinition,
  statusMessage,
  uploadFile,
  writeProcessedSheet,
  type CampaignRecord,
  type ChunkLimits,
  type Database,
  type DatabaseClient,
  type DigitClients,
  type DigitErrorItem,
  type Logger,
  type ProjectType,
  type RequestInfo,
  type RowAction,
  type RunSettings,
  type SheetError,
  type SheetLimits,
  type SheetReadSummary,
  type ProjectTarget,
  type UserInfo,
} from '@campaign-pipeline/shared';
import { randomUUID } from 'node:crypto';
import { selectBoundaries, type BoundarySelection } from './boundaries.ts';
import { planChunks } from './chunk-plan.ts';
import {
  checkRequestFields,
  problem,
  productVariantIds,
  resourceOf,
  type CampaignInput,
} from './request-checks.ts';
import { insertChildEntities, settledRows, type UpdatePlan } from './store-child-campaign.ts';
import {
  analyzeCampaignTables,
  insertEntities,
  insertFacilityRows,
  insertProjects,
  insertTargetRows,
  insertUserRows,
  addLeafTargets,
} from './store-campaign.ts';

export interface IntakeParts {
  db: Database;
  digit: DigitClients;
  logger: Logger;
  settings: RunSettings;
  /** How each step's rows are cut into chunks. */
  chunks: ChunkLimits;
  flow: string;
  /** What an uploaded workbook may hold; reading stops at the first limit crossed. */
  sheetLimits: SheetLimits;
  /** DIGIT facilities a facility template lists at most; a tenant with more is refused. */
  templateMaxFacilities: number;
  /** Counts rows an update settles at intake, with no DIGIT write (metrics). */
  rowsSettled?: (entity: string, action: RowAction, rows: number) => void;
}

const CAMPAIGN_NUMBER_FORMAT = 'CMP-[cy:yyyy-MM-dd]-[SEQ_EG_CMP_ID]';

/** DIGIT lookups failing transiently make the request fail with 503: nothing was stored, it can be resent. */
function unavailable(error: unknown): never {
  if (error instanceof DigitError) {
    const status = error.retryable ? 503 : 502;
    throw ApiError.of(status, 'DEPENDENCY_FAILED', `${error.service} could not answer: ${error.message}`);
  }
  throw error;
}

interface Lookups {
  selection: BoundarySelection;
  boundaryTypes: string[];
  projectType: ProjectType;
  productVariants: string[];
}

/** Every check that needs a DIGIT lookup, reporting all problems found. */
async function lookUp(
  parts: IntakeParts,
  requestInfo: RequestInfo,
  input: CampaignInput,
  boundaries: CampaignInput['boundaries'],
): Promise<Lookups> {
  const { digit } = parts;
  const variantIds = productVariantIds(input.deliveryRules);
  const [hierarchy, tree, projectType, variants] = await Promise.all([
    searchHierarchyDefinition(digit, requestInfo, input.tenantId, input.hierarchyType),
    searchBoundaryTree(digit, requestInfo, input.tenantId, input.hierarchyType),
    findProjectType(digit, requestInfo, input.tenantId, input.projectType),
    existingProductVariants(digit, requestInfo, input.tenantId, variantIds),
  ]).catch(unavailable);
  const problems: DigitErrorItem[] = checkRequestFields(input);
  if (!hierarchy || hierarchy.length === 0) {
    problems.push(
      problem(
        'HIERARCHY_NOT_FOUND',
        `hierarchy type ${input.hierarchyType} does not exist in tenant ${input.tenantId}`,
        ['hierarchyType'],
      ),
    );
  }
  if (!projectType) {
    problems.push(
      problem('PROJECT_TYPE_NOT_FOUND', `project type ${input.projectType} does not exist in MDMS`, [
        'projectType',
      ]),
    );
  }
  for (const id of variantIds) {
    if (!variants.has(id))
      problems.push(
        problem('PRODUCT_VARIANT_NOT_FOUND', `product variant ${id} of the delivery rules does not exist`, [
          id,
        ]),
      );
  }
  const { selection, problems: boundaryProblems } = selectBoundaries(tree, boundaries);
  for (const found of boundaryProblems) problems.push(problem(found.code, found.message, [found.code]));
  if (problems.length > 0 || !selection || !projectType || !hierarchy) throw new ApiError(400, problems);
  return {
    selection,
    boundaryTypes: orderedBoundaryTypes(hierarchy),
    projectType,
    productVariants: variantIds,
  };
}

const ACTIVE_CHILD_INDEX = 'campaign_one_active_child';

function activeChildConflict(parentId: string): ApiError {
  return ApiError.of(
    409,
    'PARENT_HAS_ACTIVE_CHILD',
    `campaign ${parentId} already has an active child campaign; complete or cancel it first`,
  );
}

/**
 * A child campaign's parent must exist in the tenant, be active and created, and use the same hierarchy;
 * the request's boundaries are only the new ones, merged here with the parent's. The "no other active
 * child" rule is checked here for a clear early answer and enforced by a unique index at insert.
 */
async function checkParent(
  parts: IntakeParts,
  input: CampaignInput,
): Promise<{ parent: CampaignRecord; boundaries: CampaignInput['boundaries'] }> {
  const parentId = input.parentId as string;
  const parent = await findCampaign(parts.db, parentId);
  if (!parent || parent.tenantId !== input.tenantId) {
    throw ApiError.of(400, 'PARENT_CAMPAIGN_NOT_FOUND', `parent campaign ${parentId} does not exist`, [
      'parentId',
    ]);
  }
  const problems: DigitErrorItem[] = [];
  if (!parent.isActive)
    problems.push(
      problem('PARENT_CAMPAIGN_INACTIVE', `parent campaign ${parentId} is not active`, ['parentId']),
    );
  if (parent.status !== 'created')
    problems.push(
      problem(
        'PARENT_CAMPAIGN_NOT_CREATED',
        `parent campaign ${parentId} is ${parent.status}; only a created campaign can be updated`,
        ['parentId'],
      ),
    );
  if (parent.hierarchyType !== input.hierarchyType)
    problems.push(
      problem(
        'PARENT_HIERARCHY_MISMATCH',
        `hierarchyType ${input.hierarchyType} differs from the parent's ${parent.hierarchyType}`,
        ['hierarchyType'],
      ),
    );
  const inherited = new Set(parent.boundaries.map((boundary) => boundary.code));
  for (const boundary of input.boundaries) {
    if (inherited.has(boundary.code))
      problems.push(
        problem(
          'BOUNDARY_ALREADY_IN_PARENT',
          `boundary ${boundary.code} is already in the parent campaign; list only new boundaries`,
          [boundary.code],
        ),
      );
  }
  if (problems.length > 0) throw new ApiError(400, problems);
  const { rowCount } = await parts.db.query('SELECT 1 FROM campaign WHERE parent_id = $1 AND is_active', [
    parentId,
  ]);
  if (rowCount) throw activeChildConflict(parentId);
  const added = input.boundaries.map((boundary) => ({ ...boundary, isRoot: false }));
  return { parent, boundaries: [...parent.boundaries, ...added] };
}

/** A number from idgen that no stored campaign has; a few tries in case the id service repeats itself. */
export async function newCampaignNumber(
  parts: IntakeParts,
  requestInfo: RequestInfo,
  tenantId: string,
): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const number = await generateId(
      parts.digit,
      requestInfo,
      tenantId,
      'campaign.number',
      CAMPAIGN_NUMBER_FORMAT,
    ).catch(unavailable);
    const { rowCount } = await parts.db.query('SELECT 1 FROM campaign WHERE campaign_number = $1', [number]);
    if (!rowCount) return number;
    parts.logger.warn({ campaignNumber: number }, 'idgen returned a campaign number already in use');
  }
  throw ApiError.of(503, 'IDGEN_REPEATS', 'idgen keeps returning campaign numbers that are already in use');
}

interface SheetFile {
  type: 'facility' | 'user' | 'boundaryWithTarget';
  filename: string;
  bytes: Buffer;
}

/**
 * Downloads the three sheets one after the other, each file once however many resources name it, so a
 * request holds at most three files of SHEET_MAX_FILE_BYTES and downloads one at a time.
 */
async function downloadSheets(parts: IntakeParts, input: CampaignInput): Promise<SheetFile[]> {
  const types = ['boundaryWithTarget', 'facility', 'user'] as const;
  const maxBytes = parts.sheetLimits.maxFileBytes;
  const downloaded = new Map<string, Buffer | null>();
  const files = [];
  for (const type of types) {
    const resource = resourceOf(input, type);
    const filename = resource.filename ?? `${type}.xlsx`;
    let bytes = downloaded.get(resource.filestoreId);
    if (bytes === undefined) {
      bytes = await downloadFile(parts.digit, input.tenantId, resource.filestoreId, { maxBytes }).catch(
        (error: unknown) => {
          if (!(error instanceof DigitError && error.code === 'FILE_TOO_LARGE')) return unavailable(error);
          throw ApiError.of(
            400,
            'FILE_TOO_LARGE',
            `${type} file ${filename}: the file has more than the limit of ${maxBytes.toLocaleString('en-US')} bytes (${SHEET_LIMIT_VARIABLES.maxFileBytes})`,
            [type, filename],
          );
        },
      );
      downloaded.set(resource.filestoreId, bytes);
    }
    files.push({ type, filename, bytes, filestoreId: resource.filestoreId });
  }
  const missing = files.filter((file) => file.bytes === null);
  if (missing.length > 0) {
    throw new ApiError(
      400,
      missing.map((file) =>
        problem(
          'RESOURCE_FILE_NOT_FOUND',
          `the ${file.type} file ${file.filestoreId} is not in the filestore`,
          [file.type],
        ),
      ),
    );
  }
  return files as SheetFile[];
}

/** A sheet error as an API error: which resource file, then the reader's located message. */
function sheetProblem(file: Omit<SheetFile, 'bytes'>, error: SheetError): DigitErrorItem {
  return {
    code: error.code,
    message: `${file.type} file: ${error.message}`,
    description: `file ${file.filename}`,
    params: [file.type, error.sheet ?? '', String(error.row ?? ''), error.column ?? '', file.filename],
  };
}

/**
 * Validates a create request fully, then stores the campaign, its rows and its run in one transaction,
 * and queues the first step commands. Invalid requests store nothing: the sheets are read inside the
 * transaction, which is rolled back, and the processed sheets with each row's errors are uploaded.
 */
export async function intakeCampaign(
  parts: IntakeParts,
  requestInfo: RequestInfo,
  input: CampaignInput,
  requestId: string | null,
  draft?: DraftToLaunch,
): Promise<CampaignRecord> {
  const user = requestInfo.userInfo as UserInfo;
  const child = input.parentId ? await checkParent(parts, input) : undefined;
  const boundaries = child?.boundaries ?? input.boundaries;
  const lookups = await lookUp(parts, requestInfo, input, boundaries);
  const sheets = await downloadSheets(parts, input);
  const campaignNumber =
    draft?.campaignNumber ?? (await newCampaignNumber(parts, requestInfo, input.tenantId));
  const campaignId = draft?.id ?? randomUUID();
  const client = await parts.db.connect();
  try {
    await client.query('BEGIN');
    const now = Date.now();
    const row = [
      campaignId,
      input.tenantId,
      campaignNumber,
      input.campaignName,
      input.projectType,
      input.hierarchyType,
      lookups.selection.rootCode,
      input.parentId ?? null,
      parts.flow,
      input.startDate,
      input.endDate,
      jsonb(boundaries),
      jsonb(input.resources),
      jsonb(input.deliveryRules ?? []),
      jsonb(input.additionalDetails ?? {}),
      jsonb({ ...user, roles: user.roles }),
      requestId,
      user.uuid,
      now,
    ];
    if (draft) await launchDraftRow(client, row);
    else
      await insertCampaignRow(
        client,
        `INSERT INTO campaign (id, tenant_id, campaign_number, campaign_name, project_type, hierarchy_type, boundary_code,
         parent_id, is_active, status, action, flow, start_date, end_date, boundaries, resources, delivery_rules,
         additional_details, requested_by, request_id, created_by, last_modified_by, created_time, last_modified_time)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true, 'creating', 'create', $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19, $19)`,
        row,
        input.parentId ?? null,
      );
    const summaries = await readSheets(parts, client, campaignId, sheets, lookups, child !== undefined);
    const errors = summaries.flatMap(({ file, summary }) =>
      summary.errors.map((error) => sheetProblem(file, error)),
    );
    if (errors.length > 0) {
      await client.query('ROLLBACK');
      const processed = await uploadProcessedSheets(parts, input.tenantId, summaries);
      const omitted = summaries.reduce((total, { summary }) => total + summary.omittedErrorCount, 0);
      throw new ApiError(400, errors, {
        processedResources: processed,
        ...(omitted > 0 ? { omittedErrorCount: omitted } : {}),
      });
    }
    // The campaign row as stored above: storing its entities below leaves it as it is.
    const campaign = (await findCampaign(client, campaignId)) as CampaignRecord;
    const chunks = await planChunks(
      client,
      campaign,
      lookups.selection.boundaries,
      lookups.projectType.targetColumns,
      lookups.productVariants,
      parts.chunks,
    );
    let plan: UpdatePlan | undefined;
    if (child) {
      plan = await insertChildEntities(
        client,
        campaignId,
        child.parent.id,
        lookups.selection.boundaries,
        summaries.find((entry) => entry.file.type === 'boundaryWithTarget')?.leafTargets ?? new Map(),
        lookups.productVariants,
        chunks,
      );
    } else {
      await insertProjects(
        client,
        campaignId,
        lookups.selection.boundaries,
        lookups.projectType.targetColumns,
        chunks,
      );
      await insertEntities(client, campaignId, lookups.productVariants, chunks);
    }
    await analyzeCampaignTables(client);
    await beginCampaignRun(client, campaign, parts.settings);
    await enqueueMessages(client, [statusMessage(campaign, 'creating', true)]);
    await client.query('COMMIT');
    parts.logger.info(
      { campaignId, campaignNumber, parentId: input.parentId ?? undefined, plan },
      'campaign accepted',
    );
    if (plan && parts.rowsSettled) {
      for (const [entity, action, rows] of settledRows(plan)) parts.rowsSettled(entity, action, rows);
    }
    return campaign;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

interface SheetSummary {
  /** The file read; its bytes are kept only when it has errors, to be marked in a processed sheet. */
  file: Omit<SheetFile, 'bytes'> & { bytes?: Buffer };
  summary: SheetReadSummary;
  /** The target sheet's targets by lowest-level boundary. */
  leafTargets?: Map<string, ProjectTarget[]>;
}

/** A drafted campaign being launched: it keeps its id and number. */
export interface DraftToLaunch {
  id: string;
  campaignNumber: string;
}

/**
 * Turns the drafted row into the launched campaign with the same values an insert would store; a draft
 * launched meanwhile by another request is refused, so one draft starts one run.
 */
async function launchDraftRow(tx: DatabaseClient, values: unknown[]): Promise<void> {
  const { rowCount } = await tx.query(
    `UPDATE campaign SET tenant_id = $2, campaign_number = $3, campaign_name = $4, project_type = $5,
       hierarchy_type = $6, boundary_code = $7, parent_id = $8, is_active = true, status = 'creating',
       action = 'create', flow = $9, start_date = $10, end_date = $11, boundaries = $12, resources = $13,
       delivery_rules = $14, additional_details = $15, requested_by = $16, request_id = $17,
       last_modified_by = $18, last_modified_time = $19
     WHERE id = $1 AND status = 'drafted'`,
    values,
  );
  if (!rowCount) {
    throw ApiError.of(
      409,
      'VALIDATION_ERROR_UPDATE_CAMPAIGN',
      `campaign ${String(values[0])} is no longer a draft; it was launched or cancelled meanwhile`,
    );
  }
}

/** Inserts the campaign row; a second active child of one parent is refused by the unique index. */
async function insertCampaignRow(
  tx: DatabaseClient,
  sql: string,
  values: unknown[],
  parentId: string | null,
): Promise<void> {
  try {
    await tx.query(sql, values);
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string };
    if (parentId && code === '23505' && constraint === ACTIVE_CHILD_INDEX)
      throw activeChildConflict(parentId);
    throw error;
  }
}

/**
 * Reads the sheets in turn, storing their rows. It takes each file out of `sheets` as it reads it, and
 * keeps a file's bytes only when the file has errors: the bytes of a large workbook read without errors
 * are not held while the campaign's entities are stored.
 */
async function readSheets(
  parts: IntakeParts,
  tx: DatabaseClient,
  campaignId: string,
  sheets: SheetFile[],
  lookups: Lookups,
  update: boolean,
): Promise<SheetSummary[]> {
  const context = {
    boundaries: CampaignBoundaries.of(lookups.selection.boundaries),
    boundaryTypes: lookups.boundaryTypes,
    targetColumns: lookups.projectType.targetColumns,
    partialTargets: update,
  };
  const limits = parts.sheetLimits;
  const results: SheetSummary[] = [];
  for (let sheet = sheets.shift(); sheet; sheet = sheets.shift()) {
    const { bytes, ...file } = sheet;
    let read: Pick<SheetSummary, 'summary' | 'leafTargets'>;
    if (sheet.type === 'facility') {
      read = {
        summary: await readFacilitySheet(bytes, context, {
          limits,
          onRows: (rows) => insertFacilityRows(tx, campaignId, rows),
        }),
      };
    } else if (sheet.type === 'user') {
      read = {
        summary: await readUserSheet(bytes, context, {
          limits,
          onRows: (rows) => insertUserRows(tx, campaignId, rows),
        }),
      };
    } else {
      // An update diffs its projects against the parent's in memory, so it keeps the leaf targets as
      // read (one small list per lowest-level boundary); a new campaign sums them in PostgreSQL.
      const leafTargets = update ? new Map<string, ProjectTarget[]>() : undefined;
      const summary = await readTargetSheet(bytes, context, {
        limits,
        onRows: async (rows) => {
          if (leafTargets) addLeafTargets(leafTargets, rows, lookups.projectType);
          await insertTargetRows(tx, campaignId, rows);
        },
      });
      read = { summary, ...(leafTargets ? { leafTargets } : {}) };
    }
    const kept = read.summary.errors.length > 0 ? { bytes } : {};
    results.push({ file: { ...file, ...kept }, ...read });
  }
  return results;
}

async function uploadProcessedSheets(
  parts: IntakeParts,
  tenantId: string,
  summaries: SheetSummary[],
): Promise<{ type: string; filename: string; filestoreId: string }[]> {
  const uploaded: { type: string; filename: string; filestoreId: string }[] = [];
  for (const { file, summary } of summaries) {
    // A workbook that could not be read has no rows to mark.
    if (!file.bytes || summary.errors.some((error) => UNREADABLE_WORKBOOK_CODES.has(error.code))) {
      continue;
    }
    try {
      const bytes = await writeProcessedSheet(file.bytes, invalidRowOutcomes(summary.errors));
      const filename = `processed-${file.filename}`;
      uploaded.push({
        type: file.type,
        filename,
        filestoreId: await uploadFile(parts.digit, tenantId, 'HCM-ADMIN-CONSOLE', filename, bytes),
      });
    } catch (error) {
      parts.logger.warn(
        { err: error, type: file.type },
        'the processed sheet could not be written or uploaded',
      );
    }
  }
  return uploaded;
}
