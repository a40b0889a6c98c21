// The `summary` of project-factory's campaign status: per resource type, how many rows are in each state,
// with its data-row states (pending, completed) and mapping states (toBeMapped, mapped, toBeDeMapped,
// deMapped) under the same type, as it merges its two tables.

export interface EntityCount {
  /** boundary (projects), facility, user, or mapping */
  entity: string;
  /** For mappings: facility, staff or resource. */
  kind: string | null;
  done: boolean;
  is_active: boolean;
  count: number;
}

const MAPPING_TYPES: Record<string, string> = { facility: 'facility', staff: 'user', resource: 'resource' };

function mappingState(done: boolean, active: boolean): string {
  if (active) return done ? 'mapped' : 'toBeMapped';
  return done ? 'deMapped' : 'toBeDeMapped';
}

export function statusSummary(counts: readonly EntityCount[]): Record<string, Record<string, number>> {
  const summary: Record<string, Record<string, number>> = {};
  const add = (type: string, state: string, count: number) => {
    const states = (summary[type] ??= {});
    states[state] = (states[state] ?? 0) + count;
  };
  for (const row of counts) {
    if (row.entity === 'mapping') {
      add(
        MAPPING_TYPES[row.kind ?? ''] ?? row.kind ?? 'mapping',
        mappingState(row.done, row.is_active),
        row.count,
      );
    } else {
      add(row.entity, row.done ? 'completed' : 'pending', row.count);
    }
  }
  return summary;
}
