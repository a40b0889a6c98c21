// Which service answers each of project-factory's paths: DIGIT's gateway and the console know one base
// URL, so the local stack's router and the chart's Ingress both route by this table.

export type ApiService = 'intake' | 'status';

export const PROJECT_FACTORY_BASE = '/project-factory';

export const PROJECT_FACTORY_ROUTES: Readonly<Record<string, ApiService>> = {
  '/project-factory/v1/project-type/create': 'intake',
  '/project-factory/v1/project-type/update': 'intake',
  '/project-factory/v1/project-type/consolidated-sheet': 'intake',
  '/project-factory/v1/data/_generate': 'intake',
  '/project-factory/v1/data/_download': 'intake',
  '/project-factory/v1/data/_create': 'intake',
  '/project-factory/v1/data/_search': 'intake',
  '/project-factory/v2/data/_process': 'intake',
  '/project-factory/v1/project-type/search': 'status',
  '/project-factory/v1/project-type/retry': 'status',
  '/project-factory/v1/project-type/cancel-campaign': 'status',
  '/project-factory/v1/project-type/progress': 'status',
  '/project-factory/v1/project-type/status': 'status',
  '/project-factory/v1/project-type/getProcessTrack': 'status',
};

/** The service for a request path (its query string ignored); other project-factory paths go to status. */
export function owningService(url: string): ApiService | null {
  const path = url.split('?')[0] ?? '';
  if (!path.startsWith(`${PROJECT_FACTORY_BASE}/`)) return null;
  return PROJECT_FACTORY_ROUTES[path] ?? 'status';
}
