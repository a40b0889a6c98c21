import type { BoundaryHierarchyLevel } from '../domain/boundary.ts';
import type { BoundaryTree } from '../domain/boundary-tree.ts';
import { BoundaryTreeAnswerError, readBoundaryTreeAnswer } from './boundary-tree-answer.ts';
import { DigitError } from './client.ts';
import { PROJECT_TYPE_SCHEMA_CODE, type ProjectType } from '../domain/project-type.ts';
import type { DigitFacility } from './entities.ts';
import type { RequestInfo } from './envelope.ts';
import type { DigitClients } from './services.ts';

// Typed calls to the DIGIT services intake reads from: boundaries, MDMS, product variants, facilities,
// filestore, idgen.

/** The hierarchy's whole tree, read compactly from the answer's bytes (see boundary-tree-answer.ts). */
export async function searchBoundaryTree(
  digit: DigitClients,
  requestInfo: RequestInfo,
  tenantId: string,
  hierarchyType: string,
): Promise<BoundaryTree> {
  const endpoint = '/boundary-service/boundary-relationships/_search';
  try {
    return await digit.boundary.postStreamed(
      endpoint,
      requestInfo,
      {},
      { tenantId, hierarchyType, includeChildren: true },
      readBoundaryTreeAnswer,
    );
  } catch (error) {
    if (!(error instanceof BoundaryTreeAnswerError)) throw error;
    throw new DigitError({
      service: digit.boundary.service,
      endpoint,
      status: 200,
      code: 'INVALID_ANSWER',
      message: error.message,
      retryable: false,
    });
  }
}

export async function searchHierarchyDefinition(
  digit: DigitClients,
  requestInfo: RequestInfo,
  tenantId: string,
  hierarchyType: string,
): Promise<BoundaryHierarchyLevel[] | null> {
  const answer = await digit.boundary.post<{
    BoundaryHierarchy?: { boundaryHierarchy?: BoundaryHierarchyLevel[] }[];
  }>('/boundary-service/boundary-hierarchy-definition/_search', requestInfo, {
    BoundaryTypeHierarchySearchCriteria: { tenantId, hierarchyType },
  });
  return answer.BoundaryHierarchy?.[0]?.boundaryHierarchy ?? null;
}

/** Boundary types from the top level down, following parentBoundaryType links. */
export function orderedBoundaryTypes(levels: readonly BoundaryHierarchyLevel[]): string[] {
  const childOf = new Map(levels.map((level) => [level.parentBoundaryType ?? null, level.boundaryType]));
  const ordered: string[] = [];
  for (
    let type = childOf.get(null);
    type !== undefined && !ordered.includes(type);
    type = childOf.get(type)
  ) {
    ordered.push(type);
  }
  return ordered;
}

export async function findProjectType(
  digit: DigitClients,
  requestInfo: RequestInfo,
  tenantId: string,
  code: string,
): Promise<ProjectType | null> {
  const answer = await digit.mdms.post<{ mdms?: { data: ProjectType }[] }>(
    '/egov-mdms-service/v2/_search',
    requestInfo,
    {
      MdmsCriteria: { tenantId, schemaCode: PROJECT_TYPE_SCHEMA_CODE, uniqueIdentifiers: [code] },
    },
  );
  return answer.mdms?.map((record) => record.data).find((data) => data.code === code) ?? null;
}

/** The ids among `ids` that exist as product variants. */
export async function existingProductVariants(
  digit: DigitClients,
  requestInfo: RequestInfo,
  tenantId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const answer = await digit.product.post<{ ProductVariant?: { id: string }[] }>(
    '/product/variant/v1/_search',
    requestInfo,
    { ProductVariant: { id: ids } },
    { tenantId, limit: Math.max(ids.length, 1), offset: 0 },
  );
  return new Set((answer.ProductVariant ?? []).map((variant) => variant.id));
}

/** A tenant holds more live facilities in DIGIT than the caller may hold in memory at once. */
export class TooManyFacilitiesError extends Error {
  readonly tenantId: string;
  readonly max: number;

  constructor(tenantId: string, max: number) {
    super(`tenant ${tenantId} has more than ${max} facilities in DIGIT`);
    this.name = 'TooManyFacilitiesError';
    this.tenantId = tenantId;
    this.max = max;
  }
}

export interface FacilityListing {
  /** Facilities asked for per search call. */
  pageSize: number;
  /** Live facilities held at most; one more fails with TooManyFacilitiesError. */
  max: number;
}

/**
 * Every live facility of a tenant, each once, through DIGIT's facility search page by page. DIGIT pages
 * in no stated order, so a facility met on two pages is kept once; deleted ones are left out. Fails with
 * TooManyFacilitiesError as soon as DIGIT's total or the facilities found exceed `max`, before more is
 * fetched.
 */
export async function searchTenantFacilities(
  digit: DigitClients,
  requestInfo: RequestInfo,
  tenantId: string,
  listing: FacilityListing,
): Promise<DigitFacility[]> {
  const found = new Map<string, DigitFacility>();
  for (let offset = 0; ; offset += listing.pageSize) {
    const answer = await digit.facility.post<{ Facilities?: DigitFacility[]; TotalCount?: number }>(
      '/facility/v1/_search',
      requestInfo,
      { Facility: {} },
      { tenantId, limit: listing.pageSize, offset },
    );
    if ((answer.TotalCount ?? 0) > listing.max) throw new TooManyFacilitiesError(tenantId, listing.max);
    const page = answer.Facilities ?? [];
    for (const facility of page) if (facility.id && !facility.isDeleted) found.set(facility.id, facility);
    if (found.size > listing.max) throw new TooManyFacilitiesError(tenantId, listing.max);
    if (page.length < listing.pageSize) return [...found.values()];
  }
}

/** A file from the filestore; with `maxBytes`, a larger file fails with a DigitError of code FILE_TOO_LARGE. */
export async function downloadFile(
  digit: DigitClients,
  tenantId: string,
  fileStoreId: string,
  options: { maxBytes?: number } = {},
): Promise<Buffer | null> {
  const answer = await digit.filestore.get<{ fileStoreIds?: { id: string; url: string }[] }>(
    '/filestore/v1/files/url',
    {
      tenantId,
      fileStoreIds: fileStoreId,
    },
  );
  const url = answer.fileStoreIds?.find((file) => file.id === fileStoreId)?.url;
  if (!url) return null;
  return digit.filestore.getBytes(url, options);
}

export async function uploadFile(
  digit: DigitClients,
  tenantId: string,
  module: string,
  filename: string,
  bytes: Buffer,
): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), filename);
  form.append('tenantId', tenantId);
  form.append('module', module);
  const answer = await digit.filestore.postForm<{ files?: { fileStoreId: string }[] }>(
    '/filestore/v1/files',
    form,
  );
  const id = answer.files?.[0]?.fileStoreId;
  if (!id) throw new Error('filestore answered without a fileStoreId');
  return id;
}

export async function generateId(
  digit: DigitClients,
  requestInfo: RequestInfo,
  tenantId: string,
  idName: string,
  format: string,
): Promise<string> {
  const answer = await digit.idgen.post<{ idResponses?: { id: string }[] }>(
    '/egov-idgen/id/_generate',
    requestInfo,
    {
      idRequests: [{ idName, tenantId, format }],
    },
  );
  const id = answer.idResponses?.[0]?.id;
  if (!id) throw new Error('idgen answered without an id');
  return id;
}
