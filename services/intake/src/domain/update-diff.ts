// The update diff of a child campaign against its parent's entity rows, as the spec's entity-table rules
// say. Pure: the rows in, the child's rows out, each with the action its run must take in DIGIT. Rows that
// need nothing are carried over as done, so a run sends only the differences.
import type { ProjectTarget } from '@campaign-pipeline/shared';
import type { SelectedBoundary } from './boundaries.ts';

export type EntityAction = 'create' | 'update' | 'deactivate' | 'none';

export interface ParentProject {
  boundaryCode: string;
  projectId: string | null;
  targets: ProjectTarget[];
  isActive: boolean;
}

export interface ChildProject {
  boundary: SelectedBoundary;
  targets: ProjectTarget[];
  projectId: string | null;
  isActive: boolean;
  action: EntityAction;
}

function sameTargets(a: readonly ProjectTarget[], b: readonly ProjectTarget[]): boolean {
  if (a.length !== b.length) return false;
  const key = (target: ProjectTarget) => `${target.beneficiaryType}\u0000${target.targetNo}`;
  const left = new Set(a.map(key));
  return b.every((target) => left.has(key(target)));
}

/**
 * The boundaries that keep (or get) a project: leaves with a row in the target sheet and every ancestor
 * of such a leaf. A leaf left out of an update's target sheet loses its project.
 */
export function boundariesWithTargets(
  boundaries: readonly SelectedBoundary[],
  leafCodesWithTargets: ReadonlySet<string>,
): Set<string> {
  const parentOf = new Map(boundaries.map((boundary) => [boundary.code, boundary.parentCode]));
  const kept = new Set<string>();
  for (const boundary of boundaries) {
    if (!boundary.isLeaf || !leafCodesWithTargets.has(boundary.code)) continue;
    for (
      let code: string | null | undefined = boundary.code;
      code && !kept.has(code);
      code = parentOf.get(code)
    )
      kept.add(code);
  }
  return kept;
}

/**
 * Projects: a kept boundary the parent has active is unchanged or updated (targets differ); one the
 * parent had deactivated is reactivated (an update); a new one is created. A boundary the parent has
 * active and the child no longer keeps is deactivated; inactive history is carried over.
 */
export function diffProjects(
  boundaries: readonly SelectedBoundary[],
  kept: ReadonlySet<string>,
  targets: ReadonlyMap<string, ProjectTarget[]>,
  parent: ReadonlyMap<string, ParentProject>,
): ChildProject[] {
  const rows: ChildProject[] = [];
  for (const boundary of boundaries) {
    const previous = parent.get(boundary.code);
    const wanted = targets.get(boundary.code) ?? [];
    if (kept.has(boundary.code)) {
      if (!previous?.projectId) {
        rows.push({ boundary, targets: wanted, projectId: null, isActive: true, action: 'create' });
      } else {
        const unchanged = previous.isActive && sameTargets(previous.targets, wanted);
        rows.push({
          boundary,
          targets: wanted,
          projectId: previous.projectId,
          isActive: true,
          action: unchanged ? 'none' : 'update',
        });
      }
    } else if (previous?.projectId) {
      rows.push({
        boundary,
        targets: previous.targets,
        projectId: previous.projectId,
        isActive: false,
        action: previous.isActive ? 'deactivate' : 'none',
      });
    }
  }
  return rows;
}

/** A facility or user row of the child's sheet, as far as the diff is concerned. */
export interface SheetEntity {
  /** Name key of a facility, phone of a user. */
  key: string;
  /** DIGIT id given in the sheet (facility id, user service uuid). */
  digitId: string | null;
  active: boolean;
  boundaryCodes: string[];
}

export interface ParentEntity {
  key: string;
  digitId: string | null;
  isActive: boolean;
  boundaryCodes: string[];
}

export interface ChildEntity<S extends SheetEntity, P extends ParentEntity> {
  key: string;
  /** The sheet row the child's values come from; absent for a parent row carried over untouched. */
  sheetRow?: S;
  /** The parent's row of the same entity, if any. */
  parentRow?: P;
  digitId: string | null;
  isActive: boolean;
  boundaryCodes: string[];
  action: 'create' | 'none';
  /** What the update did to the entity, for the run's counts. */
  change: 'created' | 'reused' | 'moved' | 'deactivated' | 'unchanged' | 'carried';
}

function sameCodes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
}

/**
 * Facilities and users: a sheet row is matched to the parent's row by its DIGIT id, else by its key
 * (facility name, user phone). Inactive → deactivated in the table (its mappings are removed); a changed
 * boundary → the same DIGIT entity at the new boundary (mappings move); new → created, unless the row
 * names an existing DIGIT id or matches an inactive parent row, which is re-used. Parent rows the sheet
 * does not mention are carried over as they are.
 */
export function diffEntities<S extends SheetEntity, P extends ParentEntity>(
  sheet: readonly S[],
  parent: readonly P[],
): ChildEntity<S, P>[] {
  const byId = new Map(parent.filter((row) => row.digitId).map((row) => [row.digitId as string, row]));
  const byKey = new Map(parent.map((row) => [row.key, row]));
  const matched = new Set<P>();
  const rows = new Map<string, ChildEntity<S, P>>();
  for (const row of sheet) {
    const previous = (row.digitId ? byId.get(row.digitId) : undefined) ?? byKey.get(row.key);
    if (previous) matched.add(previous);
    const key = previous?.key ?? row.key;
    if (rows.has(key)) continue;
    const digitId = previous?.digitId ?? row.digitId;
    if (!row.active) {
      if (previous)
        rows.set(key, {
          key,
          sheetRow: row,
          parentRow: previous,
          digitId,
          isActive: false,
          boundaryCodes: previous.boundaryCodes,
          action: 'none',
          change: previous.isActive ? 'deactivated' : 'unchanged',
        });
      continue;
    }
    const change: ChildEntity<S, P>['change'] = !previous
      ? digitId
        ? 'reused'
        : 'created'
      : !previous.isActive
        ? 'reused'
        : sameCodes(previous.boundaryCodes, row.boundaryCodes)
          ? 'unchanged'
          : 'moved';
    rows.set(key, {
      key,
      sheetRow: row,
      ...(previous ? { parentRow: previous } : {}),
      digitId,
      isActive: true,
      boundaryCodes: row.boundaryCodes,
      action: digitId ? 'none' : 'create',
      change,
    });
  }
  for (const row of parent) {
    if (matched.has(row) || rows.has(row.key)) continue;
    rows.set(row.key, {
      key: row.key,
      parentRow: row,
      digitId: row.digitId,
      isActive: row.isActive,
      boundaryCodes: row.boundaryCodes,
      action: 'none',
      change: 'carried',
    });
  }
  return [...rows.values()];
}
