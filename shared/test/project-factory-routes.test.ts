import { describe, expect, it } from '@jest/globals';
import { PROJECT_FACTORY_ROUTES, owningService } from '../src/index.ts';

describe('project-factory routes', () => {
  it('send each path to its owner whatever the query string, unknown project-factory paths to status', () => {
    expect(owningService('/project-factory/v1/data/_download?tenantId=mz&type=userCredential')).toBe(
      'intake',
    );
    expect(owningService('/project-factory/v1/project-type/getProcessTrack?campaignId=c-1')).toBe('status');
    expect(owningService('/project-factory/v1/project-type/add-resources')).toBe('status');
    expect(owningService('/health-project/v1/_search')).toBeNull();
    expect(owningService('/project-factory')).toBeNull();
  });

  it('give intake the writes and the data API, status the views of a campaign', () => {
    const owned = (service: string) =>
      Object.entries(PROJECT_FACTORY_ROUTES)
        .filter(([, owner]) => owner === service)
        .map(([path]) => path.replace('/project-factory/', ''));
    expect(owned('intake')).toEqual([
      'v1/project-type/create',
      'v1/project-type/update',
      'v1/project-type/consolidated-sheet',
      'v1/data/_generate',
      'v1/data/_download',
      'v1/data/_create',
      'v1/data/_search',
      'v2/data/_process',
    ]);
    expect(owned('status')).toEqual([
      'v1/project-type/search',
      'v1/project-type/retry',
      'v1/project-type/cancel-campaign',
      'v1/project-type/progress',
      'v1/project-type/status',
      'v1/project-type/getProcessTrack',
    ]);
  });
});
