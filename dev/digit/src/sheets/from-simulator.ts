// Reads what the sheet generator needs (hierarchy, project type) from a running DIGIT (or the simulator)
// through the same endpoints the workers use.
import {
  PROJECT_TYPE_SCHEMA_CODE,
  type BoundaryHierarchyLevel,
  type BoundaryNode,
  type ProjectType,
} from '@campaign-pipeline/shared';
import axios from 'axios';
import { hierarchyFromTree, type BoundaryHierarchy } from '../seed/hierarchy.ts';

const REQUEST_INFO = {
  apiId: 'dev-digit',
  ver: '1',
  msgId: `${Date.now()}|en_MZ`,
  userInfo: { uuid: 'sheet-generator' },
};

export async function fetchHierarchy(
  baseUrl: string,
  tenantId: string,
  hierarchyType: string,
): Promise<BoundaryHierarchy> {
  const definition = await axios.post<{
    BoundaryHierarchy: Array<{ boundaryHierarchy: BoundaryHierarchyLevel[] }>;
  }>(`${baseUrl}/boundary-service/boundary-hierarchy-definition/_search`, {
    RequestInfo: REQUEST_INFO,
    BoundaryTypeHierarchySearchCriteria: { tenantId, hierarchyType },
  });
  const levels = definition.data.BoundaryHierarchy[0]?.boundaryHierarchy;
  if (!levels) throw new Error(`no hierarchy ${hierarchyType} for tenant ${tenantId}`);
  const tree = await axios.post<{ TenantBoundary: Array<{ boundary: BoundaryNode[] }> }>(
    `${baseUrl}/boundary-service/boundary-relationships/_search`,
    { RequestInfo: REQUEST_INFO },
    { params: { tenantId, hierarchyType, includeChildren: true }, maxContentLength: Infinity },
  );
  const root = tree.data.TenantBoundary[0]?.boundary[0];
  if (!root) throw new Error(`hierarchy ${hierarchyType} of tenant ${tenantId} has no boundaries`);
  return hierarchyFromTree(
    tenantId,
    hierarchyType,
    levels.map((l) => ({ boundaryType: l.boundaryType, parentBoundaryType: l.parentBoundaryType ?? null })),
    root,
  );
}

export async function fetchProjectType(
  baseUrl: string,
  tenantId: string,
  code: string,
): Promise<ProjectType> {
  const response = await axios.post<{ mdms: Array<{ data: ProjectType }> }>(
    `${baseUrl}/egov-mdms-service/v2/_search`,
    {
      RequestInfo: REQUEST_INFO,
      MdmsCriteria: { tenantId, schemaCode: PROJECT_TYPE_SCHEMA_CODE, uniqueIdentifiers: [code] },
    },
  );
  const type = response.data.mdms[0]?.data;
  if (!type) throw new Error(`project type ${code} not found in MDMS`);
  return type;
}
