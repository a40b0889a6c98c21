// Boundary service: the relationship tree of a hierarchy, the hierarchy definition, and boundary search.
import type { BoundaryNode } from '@campaign-pipeline/shared';
import type { FastifyInstance } from 'fastify';
import { badRequest, responseInfo } from '../http/envelope.ts';
import { booleanParam, isRecord, listParam, queryOf, readRequest, readPage, text } from '../http/request.ts';
import { digitPost } from '../http/routes.ts';
import { ancestryOf, type BoundaryHierarchy } from '../seed/hierarchy.ts';
import type { SimulatorState } from '../state/simulator-state.ts';

const SEED_AUDIT = { createdBy: 'seed', lastModifiedBy: 'seed', createdTime: 0, lastModifiedTime: 0 };

export function registerBoundaryService(app: FastifyInstance, state: SimulatorState): void {
  // Serialised trees are large at the L size; they never change, so each answer is built once.
  const cache = new Map<string, string>();

  app.post('/boundary-service/boundary-relationships/_search', async (request, reply) => {
    const digit = readRequest(request.body, request.headers['content-length']);
    const query = queryOf(request.query);
    if (!query.tenantId)
      throw badRequest('NotNull.boundaryRelationshipSearchCriteria.tenantId', 'tenantId is mandatory');
    if (!query.hierarchyType) {
      throw badRequest(
        'NotNull.boundaryRelationshipSearchCriteria.hierarchyType',
        'hierarchyType is mandatory',
      );
    }
    const includeChildren = booleanParam(query.includeChildren, false);
    const includeParents = booleanParam(query.includeParents, false);
    const codes = listParam(query.codes);
    const key = [
      query.tenantId,
      query.hierarchyType,
      includeChildren,
      includeParents,
      query.boundaryType,
      codes.join(','),
    ].join('|');
    let tenantBoundary = cache.get(key);
    if (tenantBoundary === undefined) {
      const hierarchy = state.hierarchy(query.tenantId, query.hierarchyType);
      const boundary = hierarchy
        ? relationships(hierarchy, {
            codes,
            includeChildren,
            includeParents,
            boundaryType: query.boundaryType,
          })
        : [];
      tenantBoundary = JSON.stringify(
        hierarchy ? [{ tenantId: query.tenantId, hierarchyType: query.hierarchyType, boundary }] : [],
      );
      if (cache.size > 200) cache.clear();
      cache.set(key, tenantBoundary);
    }
    const info = JSON.stringify(responseInfo(digit.requestInfo));
    return reply.type('application/json').send(`{"ResponseInfo":${info},"TenantBoundary":${tenantBoundary}}`);
  });

  digitPost(app, '/boundary-service/boundary-hierarchy-definition/_search', (digit) => {
    const criteria = digit.body.BoundaryTypeHierarchySearchCriteria;
    if (!isRecord(criteria)) {
      throw badRequest(
        'NotNull.boundaryTypeHierarchySearchCriteria',
        'BoundaryTypeHierarchySearchCriteria is mandatory',
      );
    }
    const tenantId = text(criteria.tenantId);
    if (!tenantId)
      throw badRequest('NotNull.boundaryTypeHierarchySearchCriteria.tenantId', 'tenantId is mandatory');
    const hierarchyType = text(criteria.hierarchyType);
    const matches = [...state.hierarchies.values()].filter(
      (h) => h.tenantId === tenantId && (hierarchyType === undefined || h.hierarchyType === hierarchyType),
    );
    return {
      totalCount: matches.length,
      BoundaryHierarchy: matches.map((h) => ({
        id: `${h.tenantId}-${h.hierarchyType}`,
        tenantId: h.tenantId,
        hierarchyType: h.hierarchyType,
        boundaryHierarchy: h.levels.map((level) => ({ ...level, active: true })),
        auditDetails: SEED_AUDIT,
      })),
    };
  });

  digitPost(app, '/boundary-service/boundary/_search', (_digit, query) => {
    if (!query.tenantId) throw badRequest('NotNull.boundarySearchCriteria.tenantId', 'tenantId is mandatory');
    const codes = listParam(query.codes);
    if (codes.length === 0) throw badRequest('NotNull.boundarySearchCriteria.codes', 'codes are mandatory');
    const page = readPage(query, 10_000, false, codes.length);
    const found = codes.filter((code) => state.boundary(query.tenantId ?? '', code) !== undefined);
    return {
      Boundary: found.slice(page.offset, page.offset + page.limit).map((code) => ({
        id: code,
        tenantId: query.tenantId,
        code,
        geometry: null,
        additionalDetails: null,
        auditDetails: SEED_AUDIT,
      })),
    };
  });
}

interface RelationshipQuery {
  codes: string[];
  includeChildren: boolean;
  includeParents: boolean;
  boundaryType: string | undefined;
}

/** The part of the tree a relationship search asks for. */
function relationships(hierarchy: BoundaryHierarchy, query: RelationshipQuery): BoundaryNode[] {
  const starts =
    query.codes.length > 0
      ? query.codes
          .map((code) => hierarchy.byCode.get(code)?.node)
          .filter((n): n is BoundaryNode => n !== undefined)
      : query.boundaryType
        ? (hierarchy.codesByType.get(query.boundaryType) ?? [])
            .map((code) => hierarchy.byCode.get(code)?.node)
            .filter((n): n is BoundaryNode => n !== undefined)
        : [hierarchy.root];
  const shaped = starts.map((node) => (query.includeChildren ? node : { ...node, children: [] }));
  if (!query.includeParents) return shaped;
  return shaped.map((node) => {
    const path = ancestryOf(hierarchy, node.code).slice(0, -1);
    return path.reduceRight<BoundaryNode>((child, code) => {
      const ancestor = hierarchy.byCode.get(code)?.node;
      return ancestor
        ? { code: ancestor.code, boundaryType: ancestor.boundaryType, children: [child] }
        : child;
    }, node);
  });
}
