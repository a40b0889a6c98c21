// Campaign search criteria → a parameterized SQL query. Sort fields come from a whitelist; every value
// is a parameter.

export interface SearchCriteria {
  tenantId: string;
  ids?: string[];
  isActive?: boolean;
  status?: string | string[];
  campaignNumber?: string;
  campaignName?: string;
  isLikeSearch?: boolean;
  projectType?: string;
  createdBy?: string;
  isChildCampaign?: boolean;
  parentId?: string;
  startDate?: number;
  endDate?: number;
  /** The console's "ongoing" tab: campaigns running at startDate..endDate instead of within them. */
  campaignsIncludeDates?: boolean;
  /** Accepted for project-factory's callers: our campaign dates are the projects' dates already. */
  isOverrideDatesFromProject?: boolean;
  pagination?: { sortBy?: string; sortOrder?: 'asc' | 'desc'; limit?: number; offset?: number };
}

export const SORT_FIELDS: Record<string, string> = {
  createdTime: 'created_time',
  lastModifiedTime: 'last_modified_time',
  startDate: 'start_date',
  endDate: 'end_date',
  campaignName: 'campaign_name',
  campaignNumber: 'campaign_number',
  status: 'status',
};

export const DEFAULT_LIMIT = 10;

export interface SearchQuery {
  where: string;
  values: unknown[];
  orderBy: string;
  limit: number;
  offset: number;
}

export function buildSearchQuery(criteria: SearchCriteria): SearchQuery {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(sql(`$${values.length}`));
  };
  add((p) => `tenant_id = ${p}`, criteria.tenantId);
  // project-factory takes any string as an id: one that is no uuid simply matches nothing.
  if (criteria.ids?.length) add((p) => `id::text = ANY(${p}::text[])`, criteria.ids);
  // DIGIT's default: only active campaigns, unless ids or isActive say otherwise.
  if (criteria.isActive !== undefined) add((p) => `is_active = ${p}`, criteria.isActive);
  else if (!criteria.ids?.length) conditions.push('is_active');
  if (criteria.status !== undefined) {
    const statuses = Array.isArray(criteria.status) ? criteria.status : [criteria.status];
    add((p) => `status = ANY(${p}::text[])`, statuses);
  }
  if (criteria.campaignNumber) add((p) => `campaign_number = ${p}`, criteria.campaignNumber);
  if (criteria.campaignName) {
    if (criteria.isLikeSearch)
      add((p) => `campaign_name ILIKE ${p}`, `%${escapeLike(criteria.campaignName)}%`);
    else add((p) => `campaign_name = ${p}`, criteria.campaignName);
  }
  if (criteria.projectType) add((p) => `project_type = ${p}`, criteria.projectType);
  if (criteria.createdBy) add((p) => `created_by = ${p}`, criteria.createdBy);
  if (criteria.isChildCampaign === true) conditions.push('parent_id IS NOT NULL');
  if (criteria.isChildCampaign === false) conditions.push('parent_id IS NULL');
  if (criteria.parentId) add((p) => `parent_id::text = ${p}`, criteria.parentId);
  // Within the dates by default; with campaignsIncludeDates the campaign spans them (project-factory's flip).
  const spans = criteria.campaignsIncludeDates === true;
  if (criteria.startDate !== undefined)
    add((p) => `start_date ${spans ? '<=' : '>='} ${p}`, criteria.startDate);
  if (criteria.endDate !== undefined) add((p) => `end_date ${spans ? '>=' : '<='} ${p}`, criteria.endDate);
  const pagination = criteria.pagination ?? {};
  const column = SORT_FIELDS[pagination.sortBy ?? 'createdTime'] ?? 'created_time';
  const direction = pagination.sortOrder === 'asc' ? 'ASC' : 'DESC';
  return {
    where: conditions.join(' AND '),
    values,
    orderBy: `${column} ${direction}, id ${direction}`,
    limit: pagination.limit ?? DEFAULT_LIMIT,
    offset: pagination.offset ?? 0,
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
