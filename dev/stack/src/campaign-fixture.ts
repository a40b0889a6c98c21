import {
  fetchHierarchy,
  fetchProjectType,
  generateCampaignSheets,
  uploadCampaignSheets,
  type CampaignSheetOptions,
  type CampaignSheets,
} from '@campaign-pipeline/dev-digit';

export interface CampaignFixtureOptions extends Partial<
  Omit<CampaignSheetOptions, 'hierarchy' | 'projectType'>
> {
  digitUrl: string;
  tenantId?: string;
  hierarchyType?: string;
  projectTypeCode?: string;
  campaignName?: string;
  /** Product variants of the delivery rules. */
  productVariants?: string[];
}

export interface CampaignFixture {
  details: Record<string, unknown>;
  sheets: CampaignSheets;
}

const DAY = 86_400_000;

/**
 * A create request as a campaign manager would send it: sheets generated for the simulator's hierarchy,
 * uploaded to its filestore, and CampaignDetails naming them.
 */
export async function campaignFixture(options: CampaignFixtureOptions): Promise<CampaignFixture> {
  const tenantId = options.tenantId ?? 'mz';
  const hierarchyType = options.hierarchyType ?? 'ADMIN';
  const projectTypeCode = options.projectTypeCode ?? 'LLIN-mz';
  const [hierarchy, projectType] = await Promise.all([
    fetchHierarchy(options.digitUrl, tenantId, hierarchyType),
    fetchProjectType(options.digitUrl, tenantId, projectTypeCode),
  ]);
  const roots = options.boundaries ?? [hierarchy.root.code];
  const sheets = await generateCampaignSheets({ ...options, hierarchy, projectType, boundaries: roots });
  const resources = await uploadCampaignSheets(options.digitUrl, sheets, { tenantId });
  const start = Date.now() + DAY;
  const details = {
    tenantId,
    action: 'create',
    campaignName:
      options.campaignName ?? `${projectTypeCode} campaign ${new Date(start).toISOString().slice(0, 10)}`,
    projectType: projectTypeCode,
    hierarchyType,
    startDate: start,
    endDate: start + 30 * DAY,
    boundaries: roots.map((code, index) => ({ code, isRoot: index === 0, includeAllChildren: true })),
    resources,
    deliveryRules: [
      {
        cycleIndex: '1',
        active: true,
        deliveries: [
          {
            deliveryIndex: '1',
            active: true,
            deliveryRules: [
              {
                ruleKey: 1,
                products: (options.productVariants ?? ['PVAR-2026-01-01-000001']).map((value, key) => ({
                  key,
                  value,
                  count: 1,
                })),
              },
            ],
          },
        ],
      },
    ],
    additionalDetails: { beneficiaryType: 'HOUSEHOLD' },
  };
  return { details, sheets };
}
