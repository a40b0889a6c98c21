// The boundary hierarchy used by the simulator's seed and by the development stack. Real DIGIT tenants
// define their own; nothing in the pipeline depends on these names.
export const DEFAULT_TENANT = 'mz';
export const DEFAULT_HIERARCHY_TYPE = 'ADMIN';
export const DEFAULT_BOUNDARY_TYPES = [
  'COUNTRY',
  'PROVINCE',
  'DISTRICT',
  'ADMINISTRATIVE_POST',
  'LOCALITY',
] as const;

/** A node of DIGIT's boundary-relationship tree. */
export interface BoundaryNode {
  code: string;
  boundaryType: string;
  children: BoundaryNode[];
}

/** One level of DIGIT's hierarchy definition. */
export interface BoundaryHierarchyLevel {
  boundaryType: string;
  parentBoundaryType: string | null;
}
