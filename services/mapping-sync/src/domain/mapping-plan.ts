import type { DigitMapping, MappingKind } from '@campaign-pipeline/shared';
import { mappedId } from '@campaign-pipeline/shared';

export interface MappingRow {
  boundaryCode: string;
  entityKey: string;
  projectId: string | null;
  mappedId: string | null;
  attemptedAt: Date | null;
}

export function pairKey(projectId: string, mapped: string): string {
  return `${projectId}/${mapped}`;
}

/** Live mappings DIGIT holds, by (project, mapped id). */
export function existingPairs(kind: MappingKind, mappings: readonly DigitMapping[]): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const mapping of mappings) {
    const other = mappedId(kind, mapping);
    if (!mapping.isDeleted && other) pairs.set(pairKey(mapping.projectId, other), mapping.id);
  }
  return pairs;
}
