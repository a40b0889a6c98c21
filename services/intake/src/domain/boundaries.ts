import type { BoundaryNode, CampaignBoundary } from '@campaign-pipeline/shared';

/** A boundary of the campaign, placed in the campaign's own tree. */
export interface SelectedBoundary {
  code: string;
  boundaryType: string;
  parentCode: string | null;
  level: number;
  isLeaf: boolean;
}

export interface BoundarySelection {
  boundaries: SelectedBoundary[];
  rootCode: string;
}

export interface BoundaryProblem {
  code: string;
  message: string;
}

/**
 * The campaign's boundaries from the request's selection and the hierarchy's tree: every selected
 * boundary, the descendants of those with includeAllChildren, and the path from the root down to each,
 * so the campaign's tree is connected. Exactly one selected boundary is the root.
 */
export function selectBoundaries(
  tree: readonly BoundaryNode[],
  requested: readonly CampaignBoundary[],
): { selection?: BoundarySelection; problems: BoundaryProblem[] } {
  const problems: BoundaryProblem[] = [];
  const nodes = new Map<string, { node: BoundaryNode; parent: string | null }>();
  const index = (node: BoundaryNode, parent: string | null) => {
    nodes.set(node.code, { node, parent });
    for (const child of node.children ?? []) index(child, node.code);
  };
  for (const root of tree) index(root, null);

  if (requested.length === 0) {
    problems.push({
      code: 'BOUNDARIES_REQUIRED',
      message: 'CampaignDetails.boundaries must list at least one boundary',
    });
    return { problems };
  }
  for (const boundary of requested) {
    const found = nodes.get(boundary.code);
    if (!found) {
      problems.push({
        code: 'BOUNDARY_NOT_FOUND',
        message: `boundary ${boundary.code} does not exist in the hierarchy`,
      });
    } else if (boundary.type && found.node.boundaryType !== boundary.type) {
      problems.push({
        code: 'BOUNDARY_TYPE_MISMATCH',
        message: `boundary ${boundary.code} is a ${found.node.boundaryType}, not a ${boundary.type}`,
      });
    }
  }
  const roots = requested.filter((boundary) => boundary.isRoot);
  if (roots.length !== 1) {
    problems.push({
      code: 'BOUNDARY_ROOT',
      message: `exactly one boundary must have isRoot true, found ${roots.length}${roots.length ? ` (${roots.map((r) => r.code).join(', ')})` : ''}`,
    });
  }
  if (problems.length > 0) return { problems };
  const rootCode = (roots[0] as CampaignBoundary).code;

  const ancestorsOf = (code: string): string[] => {
    const path: string[] = [];
    for (
      let current = nodes.get(code)?.parent ?? null;
      current !== null;
      current = nodes.get(current)?.parent ?? null
    ) {
      path.push(current);
    }
    return path;
  };
  const chosen = new Set<string>([rootCode]);
  for (const boundary of requested) {
    if (boundary.code === rootCode) continue;
    const ancestors = ancestorsOf(boundary.code);
    const underRoot = ancestors.indexOf(rootCode);
    if (underRoot === -1) {
      problems.push({
        code: 'BOUNDARY_OUTSIDE_ROOT',
        message: `boundary ${boundary.code} is not under the root ${rootCode}`,
      });
      continue;
    }
    chosen.add(boundary.code);
    for (const ancestor of ancestors.slice(0, underRoot)) chosen.add(ancestor);
  }
  const addDescendants = (node: BoundaryNode) => {
    for (const child of node.children ?? []) {
      chosen.add(child.code);
      addDescendants(child);
    }
  };
  for (const boundary of requested) {
    if (boundary.includeAllChildren)
      addDescendants((nodes.get(boundary.code) as { node: BoundaryNode }).node);
  }
  if (problems.length > 0) return { problems };

  const boundaries: SelectedBoundary[] = [];
  const visit = (code: string, parentCode: string | null, level: number) => {
    const { node } = nodes.get(code) as { node: BoundaryNode };
    const children = (node.children ?? []).filter((child) => chosen.has(child.code));
    boundaries.push({
      code,
      boundaryType: node.boundaryType,
      parentCode,
      level,
      isLeaf: children.length === 0,
    });
    for (const child of children) visit(child.code, code, level + 1);
  };
  visit(rootCode, null, 0);
  return { selection: { boundaries, rootCode }, problems };
}
