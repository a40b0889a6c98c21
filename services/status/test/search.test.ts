import { describe, expect, it } from '@jest/globals';
import { buildSearchQuery } from '../src/domain/search.ts';

describe('campaign search query', () => {
  it('shows only active campaigns by default, newest first', () => {
    const query = buildSearchQuery({ tenantId: 'mz' });
    expect(query.where).toBe('tenant_id = $1 AND is_active');
    expect(query.values).toEqual(['mz']);
    expect(query.orderBy).toBe('created_time DESC, id DESC');
    expect([query.limit, query.offset]).toEqual([10, 0]);
  });

  it('does not add the active default when ids or isActive are given', () => {
    expect(buildSearchQuery({ tenantId: 'mz', ids: ['a'] }).where).toBe(
      'tenant_id = $1 AND id::text = ANY($2::text[])',
    );
    expect(buildSearchQuery({ tenantId: 'mz', isActive: false }).where).toBe(
      'tenant_id = $1 AND is_active = $2',
    );
  });

  it('filters child campaigns by the presence of a parent, and by parent id', () => {
    expect(buildSearchQuery({ tenantId: 'mz', isChildCampaign: true }).where).toContain(
      'parent_id IS NOT NULL',
    );
    expect(buildSearchQuery({ tenantId: 'mz', isChildCampaign: false }).where).toContain('parent_id IS NULL');
    const byParent = buildSearchQuery({ tenantId: 'mz', parentId: 'p-1' });
    expect(byParent.where).toContain('parent_id::text = $2');
    expect(byParent.values).toEqual(['mz', 'p-1']);
  });

  it('keeps every value a parameter, escaping LIKE wildcards in a name search', () => {
    const query = buildSearchQuery({
      tenantId: 'mz',
      campaignName: "50%_off'; DROP TABLE campaign; --",
      isLikeSearch: true,
      status: ['created', 'failed'],
    });
    expect(query.where).toBe(
      'tenant_id = $1 AND is_active AND status = ANY($2::text[]) AND campaign_name ILIKE $3',
    );
    expect(query.values).toEqual(['mz', ['created', 'failed'], "%50\\%\\_off'; DROP TABLE campaign; --%"]);
  });

  it('sorts only by whitelisted fields', () => {
    expect(
      buildSearchQuery({ tenantId: 'mz', pagination: { sortBy: 'campaignName', sortOrder: 'asc' } }).orderBy,
    ).toBe('campaign_name ASC, id ASC');
    expect(
      buildSearchQuery({ tenantId: 'mz', pagination: { sortBy: 'id; DROP TABLE campaign' } }).orderBy,
    ).toBe('created_time DESC, id DESC');
  });

  it('takes campaigns within the dates, or with campaignsIncludeDates the ones running across them', () => {
    const within = buildSearchQuery({ tenantId: 'mz', startDate: 100, endDate: 200 });
    expect(within.where).toBe('tenant_id = $1 AND is_active AND start_date >= $2 AND end_date <= $3');
    const ongoing = buildSearchQuery({
      tenantId: 'mz',
      status: ['creating', 'created'],
      createdBy: 'u-1',
      campaignsIncludeDates: true,
      isOverrideDatesFromProject: true,
      startDate: 150,
      endDate: 150,
    });
    expect(ongoing.where).toBe(
      'tenant_id = $1 AND is_active AND status = ANY($2::text[]) AND created_by = $3 AND start_date <= $4 AND end_date >= $5',
    );
    expect(ongoing.values).toEqual(['mz', ['creating', 'created'], 'u-1', 150, 150]);
  });
});
