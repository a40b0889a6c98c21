import type { StepName } from '../flow/flow.ts';

/**
 * Where each step's work lives: the entity table whose rows it syncs, and the chunk and wave of each row.
 * A step runs its chunks wave by wave (projects: parents before children); within a wave chunks run in
 * parallel over the worker's replicas. Table names are fixed here, never taken from input.
 */
export const STEP_PLANS: Record<Exclude<StepName, 'end'>, { table: string; filter: string; wave: string }> = {
  'project-creation': { table: 'campaign_project', filter: '', wave: 'level' },
  'facility-creation': { table: 'campaign_facility', filter: '', wave: '0' },
  'user-creation': { table: 'campaign_user', filter: '', wave: '0' },
  'facility-mapping': { table: 'campaign_mapping', filter: `AND kind = 'facility'`, wave: '0' },
  'user-mapping': { table: 'campaign_mapping', filter: `AND kind = 'staff'`, wave: '0' },
  'product-mapping': { table: 'campaign_mapping', filter: `AND kind = 'resource'`, wave: '0' },
};

/** SQL giving (chunk, wave) of every chunk of the step that still has unfinished rows. */
export function chunkPlanQuery(step: Exclude<StepName, 'end'>): string {
  const plan = STEP_PLANS[step];
  return `SELECT chunk, min(${plan.wave})::int AS wave FROM ${plan.table}
          WHERE campaign_id = $1 AND NOT done ${plan.filter} GROUP BY chunk ORDER BY chunk`;
}

/** Chunk numbers for rows ordered within their waves: a chunk never spans two waves. */
export function assignChunks<T>(rows: T[], waveOf: (row: T) => number, chunkSize: number): Map<T, number> {
  const byWave = new Map<number, T[]>();
  for (const row of rows) {
    const wave = waveOf(row);
    const list = byWave.get(wave) ?? [];
    list.push(row);
    byWave.set(wave, list);
  }
  const chunks = new Map<T, number>();
  let next = 0;
  for (const wave of [...byWave.keys()].sort((a, b) => a - b)) {
    const list = byWave.get(wave) ?? [];
    for (let index = 0; index < list.length; index++) {
      chunks.set(list[index] as T, next + Math.floor(index / chunkSize));
    }
    next += Math.ceil(list.length / chunkSize);
  }
  return chunks;
}
