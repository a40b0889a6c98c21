// The data a simulator starts with: one boundary hierarchy, the project types and the product variants.
import { generateBoundaryHierarchy, type HierarchyOptions } from './hierarchy.ts';
import { generateProductVariants } from './product-variants.ts';
import { generateProjectTypes } from './project-types.ts';
import type { SeedData } from '../state/simulator-state.ts';

export interface SeedOptions extends HierarchyOptions {
  /** How many product variants the product service knows (default 5). */
  productVariants?: number;
}

export function generateSeed(options: SeedOptions = {}): SeedData {
  const hierarchy = generateBoundaryHierarchy(options);
  const productVariants = generateProductVariants(hierarchy.tenantId, options.productVariants);
  return {
    hierarchies: [hierarchy],
    projectTypes: generateProjectTypes(productVariants.map((v) => v.id)),
    productVariants,
  };
}
