import type { BoundaryTree, CampaignBoundary } from '@campaign-pipeline/shared';

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
 * so the campaign's tree is connected. Exactly one selected boundary is the root. The boundaries are
 * listed depth first from the root, in the tree's order.
 */
export function selectBoundaries(
  tree: BoundaryTree,
  requested: readonly CampaignBoundary[],
): { selection?: BoundarySelection; problems: BoundaryProblem[] } {
  const problems: BoundaryProblem[] = [];
  if (requested.length === 0) {
    problems.push({
      code: 'BOUNDARIES_REQUIRED',
      message: 'CampaignDetails.boundaries must list at least one boundary',
    });
    return { problems };
  }
  const nodes = tree.find(requested.map((boundary) => boundary.code));
  for (const boundary of requested) {
    const node = nodes.get(boundary.code);
    if (node === undefined) {
      problems.push({
        code: 'BOUNDARY_NOT_FOUND',
        message: `boundary ${boundary.code} does not exist in the hierarchy`,
      });
    } else if (boundary.type && tree.boundaryType(node) !== boundary.type) {
      problems.push({
        code: 'BOUNDARY_TYPE_MISMATCH',
        message: `boundary ${boundary.code} is a ${tree.boundaryType(node)}, not a ${boundary.type}`,
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
  const root = nodes.get(rootCode) as number;

  const chosen = new Uint8Array(tree.size);
  chosen[root] = 1;
  for (const boundary of requested) {
    const node = nodes.get(boundary.code) as number;
    if (node === root) continue;
    let ancestor = tree.parent(node);
    while (ancestor !== -1 && ancestor !== root) ancestor = tree.parent(ancestor);
    if (ancestor === -1) {
      problems.push({
        code: 'BOUNDARY_OUTSIDE_ROOT',
        message: `boundary ${boundary.code} is not under the root ${rootCode}`,
      });
      continue;
    }
    for (let on = node; on !== root; on = tree.parent(on)) chosen[on] = 1;
  }
  if (problems.length > 0) return { problems };
  for (const boundary of requested) {
    if (!boundary.includeAllChildren) continue;
    const node = nodes.get(boundary.code) as number;
    chosen.fill(1, node, tree.end(node));
  }

  // Every chosen boundary's parent is chosen too, up to the root: the subtree of the root lists them in
  // depth-first order, each after its parent.
  const end = tree.end(root);
  const hasChosenChild = new Uint8Array(end - root);
  const levels = new Int32Array(end - root);
  for (let node = root + 1; node < end; node++) {
    if (!chosen[node]) continue;
    const parent = tree.parent(node);
    hasChosenChild[parent - root] = 1;
    levels[node - root] = (levels[parent - root] as number) + 1;
  }
  const boundaries: SelectedBoundary[] = [];
  for (let node = root; node < end; node++) {
    if (!chosen[node]) continue;
    boundaries.push({
      code: tree.code(node),
      boundaryType: tree.boundaryType(node),
      parentCode: node === root ? null : tree.code(tree.parent(node)),
      level: levels[node - root] as number,
      isLeaf: !hasChosenChild[node - root],
    });
  }
  return { selection: { boundaries, rootCode }, problems };
}
