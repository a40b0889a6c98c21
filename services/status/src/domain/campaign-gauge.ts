import { CAMPAIGN_STATUSES, type Database, type PipelineMetrics } from '@campaign-pipeline/shared';

/** Sets campaigns_by_status from the database, zeroing statuses that have no campaign any more. */
export async function refreshCampaignGauge(db: Database, metrics: PipelineMetrics): Promise<void> {
  const { rows } = await db.query<{ status: string; is_active: boolean; total: number }>(
    'SELECT status, is_active, count(*)::int AS total FROM campaign GROUP BY status, is_active',
  );
  for (const status of CAMPAIGN_STATUSES) {
    for (const active of ['true', 'false']) metrics.campaignsByStatus.set({ status, active }, 0);
  }
  for (const row of rows)
    metrics.campaignsByStatus.set({ status: row.status, active: String(row.is_active) }, row.total);
}
