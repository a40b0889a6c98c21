// Project types held in MDMS (schema HCM-PROJECT-TYPES.projectTypes), with the target columns their
// target sheets carry and the beneficiary type each column counts towards.
import { TargetColumn, type ProjectType } from '@campaign-pipeline/shared';

export interface SeedProjectType extends ProjectType {
  type: string;
  validMinAge?: number;
  validMaxAge?: number;
  resources: Array<{ productVariantId: string; isBaseUnitVariant: boolean; name: string }>;
  cycles: unknown[];
}

export function generateProjectTypes(productVariantIds: readonly string[]): SeedProjectType[] {
  const [bednet, spaq1, spaq2] = productVariantIds;
  return [
    {
      code: 'LLIN-mz',
      name: 'Bednet distribution campaign',
      group: 'MALARIA',
      type: 'campaign',
      beneficiaryType: 'HOUSEHOLD',
      targetColumns: [
        { key: TargetColumn.target, beneficiaryType: 'HOUSEHOLD', required: true },
        { key: `${TargetColumn.target}_BEDNET_COLUMN_2`, beneficiaryType: 'INDIVIDUAL', required: false },
        { key: `${TargetColumn.target}_BEDNET_COLUMN_3`, beneficiaryType: 'PRODUCT', required: false },
      ],
      resources: bednet
        ? [{ productVariantId: bednet, isBaseUnitVariant: true, name: 'Bednet - Grade-1' }]
        : [],
      cycles: [],
    },
    {
      code: 'MR-DN',
      name: 'Malaria chemoprevention campaign',
      group: 'MALARIA',
      type: 'campaign',
      beneficiaryType: 'INDIVIDUAL',
      validMinAge: 3,
      validMaxAge: 64,
      targetColumns: [
        { key: TargetColumn.target, beneficiaryType: 'INDIVIDUAL', required: true },
        { key: `${TargetColumn.target}_SMC_AGE_12_TO_59`, beneficiaryType: 'INDIVIDUAL', required: false },
      ],
      resources: [spaq1, spaq2]
        .filter((id): id is string => id !== undefined)
        .map((productVariantId, i) => ({
          productVariantId,
          isBaseUnitVariant: i === 0,
          name: i === 0 ? 'SPAQ - 150 mg' : 'SPAQ - 500 mg',
        })),
      cycles: [],
    },
  ];
}
