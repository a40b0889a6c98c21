// What a campaign's sheets are checked against: its boundaries and its project type's target columns.
import type { TargetColumnDefinition } from '../domain/project-type.ts';

export interface CampaignBoundaries {
  /** Every boundary of the campaign, all levels: facilities and users may name any of them. */
  codes: ReadonlySet<string>;
  /** The lowest-level boundaries: each needs exactly one row of targets. */
  leafCodes: ReadonlySet<string>;
}

export interface SheetValidationContext {
  boundaries: CampaignBoundaries;
  /** The hierarchy's boundary types, top level first: the level columns of a target sheet. */
  boundaryTypes: readonly string[];
  targetColumns: readonly TargetColumnDefinition[];
  /** An update's target sheet may leave lowest-level boundaries out: their projects are deactivated. */
  partialTargets?: boolean;
}
