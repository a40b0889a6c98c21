import type { CampaignResource, DigitErrorItem, ResourceType } from '@campaign-pipeline/shared';
import { RESOURCE_TYPES } from '@campaign-pipeline/shared';

/** The fields of CampaignDetails intake reads, after the JSON schema accepted them. */
export interface CampaignInput {
  tenantId: string;
  campaignName: string;
  projectType: string;
  hierarchyType: string;
  parentId?: string | null;
  startDate: number;
  endDate: number;
  additionalDetails?: Record<string, unknown>;
  boundaries: {
    code: string;
    type?: string;
    isRoot?: boolean;
    includeAllChildren?: boolean;
    parent?: string | null;
  }[];
  resources: CampaignResource[];
  deliveryRules?: unknown[];
}

export function problem(code: string, message: string, params: string[] | null = null): DigitErrorItem {
  return { code, message, description: null, params };
}

/** Checks that need no lookup: dates and the three resources. */
export function checkRequestFields(input: CampaignInput): DigitErrorItem[] {
  const problems: DigitErrorItem[] = [];
  if (input.endDate <= input.startDate) {
    problems.push(
      problem('INVALID_DATES', 'CampaignDetails.endDate must be after CampaignDetails.startDate', [
        'endDate',
      ]),
    );
  }
  for (const type of RESOURCE_TYPES) {
    const count = input.resources.filter((resource) => resource.type === type).length;
    if (count === 0) {
      problems.push(
        problem('RESOURCE_MISSING', `CampaignDetails.resources needs a resource of type ${type}`, [type]),
      );
    } else if (count > 1) {
      problems.push(
        problem('RESOURCE_DUPLICATE', `CampaignDetails.resources has ${count} resources of type ${type}`, [
          type,
        ]),
      );
    }
  }
  return problems;
}

export function resourceOf(input: CampaignInput, type: ResourceType): CampaignResource {
  return input.resources.find((resource) => resource.type === type) as CampaignResource;
}

/**
 * Product variant ids named by the delivery rules: `products[].value` (cycles → deliveries → rules), or as
 * the DIGIT console writes them, `resources[].productVariantId` of each rule and
 * `ProductVariants[].productVariantId` of its dose criteria.
 */
export function productVariantIds(deliveryRules: readonly unknown[] | undefined): string[] {
  const ids = new Set<string>();
  const visit = (value: unknown, listedUnder: string | null) => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, listedUnder);
    } else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (listedUnder === 'products' && typeof record.value === 'string') ids.add(record.value);
      if (
        (listedUnder === 'resources' || listedUnder === 'ProductVariants') &&
        typeof record.productVariantId === 'string'
      )
        ids.add(record.productVariantId);
      for (const [key, child] of Object.entries(record)) visit(child, key);
    }
  };
  visit(deliveryRules ?? [], null);
  return [...ids].sort();
}
