// Generates a boundary hierarchy (country → province → district → administrative post → locality by
// default) of a requested size. Codes are readable and unique: MZ, MZ_P01, MZ_P01_D03, MZ_P01_D03_A02, ...
import {
  DEFAULT_BOUNDARY_TYPES,
  DEFAULT_HIERARCHY_TYPE,
  DEFAULT_TENANT,
  type BoundaryHierarchyLevel,
  type BoundaryNode,
} from '@campaign-pipeline/shared';

export type HierarchySize = 'S' | 'M' | 'L';

/** Children per parent for each level below the root. */
export const HIERARCHY_SHAPES: Record<HierarchySize, number[]> = {
  S: [2, 2, 5, 5], // 100 localities
  M: [5, 5, 8, 25], // 5,000 localities
  L: [10, 10, 10, 100], // 100,000 localities
};

export interface HierarchyOptions {
  tenantId?: string;
  hierarchyType?: string;
  /** Named size; ignored when `branching` is given. Default S. */
  size?: HierarchySize;
  /** Custom children per parent for each level below the root (one entry per level). */
  branching?: number[];
  /** Boundary types from the root down; default COUNTRY, PROVINCE, DISTRICT, ADMINISTRATIVE_POST, LOCALITY. */
  boundaryTypes?: readonly string[];
  /** Code of the root; default the tenant in capitals. */
  rootCode?: string;
}

export interface BoundaryEntry {
  node: BoundaryNode;
  parent: string | null;
  depth: number;
}

export interface BoundaryHierarchy {
  tenantId: string;
  hierarchyType: string;
  levels: BoundaryHierarchyLevel[];
  root: BoundaryNode;
  byCode: Map<string, BoundaryEntry>;
  /** Codes per boundary type, in tree order. */
  codesByType: Map<string, string[]>;
}

export function generateBoundaryHierarchy(options: HierarchyOptions = {}): BoundaryHierarchy {
  const tenantId = options.tenantId ?? DEFAULT_TENANT;
  const types = options.boundaryTypes ?? DEFAULT_BOUNDARY_TYPES;
  const branching = options.branching ?? HIERARCHY_SHAPES[options.size ?? 'S'];
  if (branching.length !== types.length - 1) {
    throw new Error(`branching needs ${types.length - 1} entries (one per level below the root)`);
  }
  if (branching.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error('branching must be positive integers');
  const rootType = types[0] ?? 'COUNTRY';
  const root: BoundaryNode = {
    code: options.rootCode ?? tenantId.toUpperCase(),
    boundaryType: rootType,
    children: [],
  };
  const byCode = new Map<string, BoundaryEntry>([[root.code, { node: root, parent: null, depth: 0 }]]);
  const codesByType = new Map<string, string[]>(types.map((t) => [t, []]));
  codesByType.get(rootType)?.push(root.code);

  const grow = (parent: BoundaryNode, depth: number): void => {
    const count = branching[depth];
    const type = types[depth + 1];
    if (count === undefined || type === undefined) return;
    const prefix = levelPrefix(type);
    const width = Math.max(2, String(count).length);
    for (let i = 1; i <= count; i++) {
      const node: BoundaryNode = {
        code: `${parent.code}_${prefix}${String(i).padStart(width, '0')}`,
        boundaryType: type,
        children: [],
      };
      parent.children.push(node);
      byCode.set(node.code, { node, parent: parent.code, depth: depth + 1 });
      codesByType.get(type)?.push(node.code);
      grow(node, depth + 1);
    }
  };
  grow(root, 0);

  const levels = types.map((boundaryType, i) => ({ boundaryType, parentBoundaryType: types[i - 1] ?? null }));
  return {
    tenantId,
    hierarchyType: options.hierarchyType ?? DEFAULT_HIERARCHY_TYPE,
    levels,
    root,
    byCode,
    codesByType,
  };
}

/** Codes name each level by the first letter of its type (PROVINCE → P, ADMINISTRATIVE_POST → A). */
function levelPrefix(type: string): string {
  return type.charAt(0).toUpperCase();
}

/** Lowest-level boundaries under (or equal to) the given codes, in tree order. */
export function leavesUnder(hierarchy: BoundaryHierarchy, codes: readonly string[]): string[] {
  const leaves: string[] = [];
  const seen = new Set<string>();
  const walk = (node: BoundaryNode): void => {
    if (seen.has(node.code)) return;
    seen.add(node.code);
    if (node.children.length === 0) leaves.push(node.code);
    for (const child of node.children) walk(child);
  };
  for (const code of codes) {
    const entry = hierarchy.byCode.get(code);
    if (entry) walk(entry.node);
  }
  return leaves;
}

/** Codes from the root down to the given boundary. */
export function ancestryOf(hierarchy: BoundaryHierarchy, code: string): string[] {
  const path: string[] = [];
  let current: string | null = code;
  while (current !== null) {
    const entry = hierarchy.byCode.get(current);
    if (!entry) break;
    path.unshift(current);
    current = entry.parent;
  }
  return path;
}

/** The boundaries of a CampaignDetails selecting everything under the given roots. */
export function campaignBoundaries(
  hierarchy: BoundaryHierarchy,
  rootCodes: readonly string[] = [hierarchy.root.code],
): Array<{
  code: string;
  type: string;
  isRoot: boolean;
  includeAllChildren: boolean;
  parent: string | null;
}> {
  return rootCodes.map((code) => {
    const entry = hierarchy.byCode.get(code);
    if (!entry) throw new Error(`unknown boundary ${code}`);
    return {
      code,
      type: entry.node.boundaryType,
      isRoot: true,
      includeAllChildren: true,
      parent: entry.parent,
    };
  });
}

/** Rebuilds a hierarchy from a boundary-relationship tree and hierarchy definition (as a service returns them). */
export function hierarchyFromTree(
  tenantId: string,
  hierarchyType: string,
  levels: BoundaryHierarchyLevel[],
  root: BoundaryNode,
): BoundaryHierarchy {
  const byCode = new Map<string, BoundaryEntry>();
  const codesByType = new Map<string, string[]>(levels.map((level) => [level.boundaryType, []]));
  const walk = (node: BoundaryNode, parent: string | null, depth: number): void => {
    byCode.set(node.code, { node, parent, depth });
    const codes = codesByType.get(node.boundaryType) ?? [];
    codes.push(node.code);
    codesByType.set(node.boundaryType, codes);
    for (const child of node.children) walk(child, node.code, depth + 1);
  };
  walk(root, null, 0);
  return { tenantId, hierarchyType, levels, root, byCode, codesByType };
}
