import type { CampaignRecord, ProjectPayload, ProjectTargetPayload } from '@campaign-pipeline/shared';

export interface ProjectRow {
  boundaryCode: string;
  boundaryType: string;
  parentBoundaryCode: string | null;
  targets: ProjectTargetPayload[];
}

/** The DIGIT project of one campaign boundary; referenceID ties it to the campaign for adoption. */
export function projectPayload(
  campaign: CampaignRecord,
  row: ProjectRow,
  parentProjectId: string | null,
): ProjectPayload {
  return {
    tenantId: campaign.tenantId,
    projectType: campaign.projectType,
    projectSubType: campaign.projectType,
    startDate: campaign.startDate,
    endDate: campaign.endDate,
    name: campaign.campaignName,
    description: `${campaign.campaignName} at ${row.boundaryCode}`,
    referenceID: campaign.campaignNumber,
    address: { tenantId: campaign.tenantId, boundary: row.boundaryCode, boundaryType: row.boundaryType },
    parent: parentProjectId,
    targets: row.targets,
    additionalDetails: { campaignId: campaign.id },
  };
}
