// A project type as held in MDMS v2 (schema HCM-PROJECT-TYPES.projectTypes). `targetColumns` maps the
// target sheet's columns to project targets: columns sharing a beneficiary type are summed.
export const PROJECT_TYPE_SCHEMA_CODE = 'HCM-PROJECT-TYPES.projectTypes';

export interface TargetColumnDefinition {
  key: string;
  beneficiaryType: string;
  required: boolean;
}

export interface ProjectType {
  code: string;
  name: string;
  group: string;
  beneficiaryType: string;
  targetColumns: TargetColumnDefinition[];
}
