import { describe, expect, it } from '@jest/globals';
import {
  TooManyFacilitiesError,
  searchTenantFacilities,
  type DigitClients,
  type DigitFacility,
  type RequestInfo,
} from '../src/index.ts';

const requestInfo: RequestInfo = { apiId: 'test' };

function facility(id: string, fields: Partial<DigitFacility> = {}): DigitFacility {
  return {
    id,
    tenantId: 'mz',
    name: `Facility ${id}`,
    isPermanent: true,
    usage: 'Warehouse',
    storageCapacity: 100,
    address: { tenantId: 'mz', locality: { code: 'MZ' } },
    ...fields,
  };
}

interface SearchCall {
  body: object;
  params: Record<string, unknown>;
}

/** A facility service answering from a fixed list, as DIGIT pages it (limit, offset), with TotalCount. */
function facilityService(
  stored: DigitFacility[],
  options: { totalCount?: boolean; pages?: DigitFacility[][] } = {},
) {
  const calls: SearchCall[] = [];
  const post = async (
    _endpoint: string,
    _requestInfo: RequestInfo,
    body: object,
    params: SearchCall['params'],
  ) => {
    calls.push({ body, params });
    const offset = Number(params.offset);
    const limit = Number(params.limit);
    const Facilities = options.pages?.[calls.length - 1] ?? stored.slice(offset, offset + limit);
    return options.totalCount === false ? { Facilities } : { Facilities, TotalCount: stored.length };
  };
  return { digit: { facility: { post } } as unknown as DigitClients, calls };
}

describe("a tenant's facilities", () => {
  it('are read page by page with the tenant, limit and offset, until a short page', async () => {
    const stored = Array.from({ length: 5 }, (_v, index) => facility(`F-${index}`));
    const { digit, calls } = facilityService(stored);
    const found = await searchTenantFacilities(digit, requestInfo, 'mz', { pageSize: 2, max: 10 });
    expect(found.map((found) => found.id)).toEqual(['F-0', 'F-1', 'F-2', 'F-3', 'F-4']);
    expect(calls).toEqual([
      { body: { Facility: {} }, params: { tenantId: 'mz', limit: 2, offset: 0 } },
      { body: { Facility: {} }, params: { tenantId: 'mz', limit: 2, offset: 2 } },
      { body: { Facility: {} }, params: { tenantId: 'mz', limit: 2, offset: 4 } },
    ]);
  });

  it('leave out deleted ones and keep a facility met on two pages once', async () => {
    const pages = [
      [facility('F-1'), facility('F-2', { isDeleted: true })],
      [facility('F-1'), facility('F-3')],
      [],
    ];
    const { digit } = facilityService([], { pages, totalCount: false });
    const found = await searchTenantFacilities(digit, requestInfo, 'mz', { pageSize: 2, max: 10 });
    expect(found.map((found) => found.id)).toEqual(['F-1', 'F-3']);
  });

  it('fail at the first page when DIGIT counts more than the cap', async () => {
    const stored = Array.from({ length: 7 }, (_v, index) => facility(`F-${index}`));
    const { digit, calls } = facilityService(stored);
    const search = searchTenantFacilities(digit, requestInfo, 'mz', { pageSize: 2, max: 6 });
    await expect(search).rejects.toThrow(TooManyFacilitiesError);
    await expect(search).rejects.toThrow('tenant mz has more than 6 facilities in DIGIT');
    expect(calls).toHaveLength(1);
  });

  it('fail as soon as more than the cap were found when DIGIT gives no total', async () => {
    const stored = Array.from({ length: 9 }, (_v, index) => facility(`F-${index}`));
    const { digit, calls } = facilityService(stored, { totalCount: false });
    await expect(
      searchTenantFacilities(digit, requestInfo, 'mz', { pageSize: 2, max: 3 }),
    ).rejects.toMatchObject({ tenantId: 'mz', max: 3 });
    expect(calls).toHaveLength(2);
  });

  it('answer exactly the cap without an error', async () => {
    const stored = Array.from({ length: 4 }, (_v, index) => facility(`F-${index}`));
    const { digit } = facilityService(stored);
    const found = await searchTenantFacilities(digit, requestInfo, 'mz', { pageSize: 2, max: 4 });
    expect(found).toHaveLength(4);
  });
});
