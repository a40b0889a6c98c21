import { describe, expect, it } from '@jest/globals';
import { checkRequestFields, productVariantIds, type CampaignInput } from '../src/domain/request-checks.ts';

const input: CampaignInput = {
  tenantId: 'mz',
  campaignName: 'LLIN',
  projectType: 'LLIN-mz',
  hierarchyType: 'ADMIN',
  startDate: 1000,
  endDate: 2000,
  boundaries: [],
  resources: [
    { type: 'facility', filename: 'f.xlsx', filestoreId: 'a' },
    { type: 'user', filename: 'u.xlsx', filestoreId: 'b' },
    { type: 'boundaryWithTarget', filename: 't.xlsx', filestoreId: 'c' },
  ],
};

describe('request checks', () => {
  it('accepts dates in order and one resource of each type', () => {
    expect(checkRequestFields(input)).toEqual([]);
  });

  it('reports dates out of order, a missing and a doubled resource at once', () => {
    const problems = checkRequestFields({
      ...input,
      endDate: 1000,
      resources: [input.resources[0]!, input.resources[0]!, input.resources[2]!],
    });
    expect(problems.map((p) => p.code)).toEqual(['INVALID_DATES', 'RESOURCE_DUPLICATE', 'RESOURCE_MISSING']);
  });

  it('collects the product variants of every delivery rule once', () => {
    const rules = [
      {
        cycleIndex: '1',
        deliveries: [
          {
            deliveryRules: [
              { products: [{ value: 'PVAR-2' }, { value: 'PVAR-1' }], attributes: [{ value: '3' }] },
            ],
          },
        ],
      },
      { cycleIndex: '2', deliveries: [{ deliveryRules: [{ products: [{ value: 'PVAR-2' }] }] }] },
    ];
    expect(productVariantIds(rules)).toEqual(['PVAR-1', 'PVAR-2']);
    expect(productVariantIds(undefined)).toEqual([]);
  });

  it("reads the product variants the DIGIT console names in a rule's resources and dose criteria", () => {
    const rules = [
      {
        cycles: [
          {
            deliveries: [
              {
                doseCriteria: [
                  { condition: 'age<=11', ProductVariants: [{ productVariantId: 'PVAR-3', quantity: 1 }] },
                ],
              },
            ],
          },
        ],
        resources: [{ productVariantId: 'PVAR-1', name: 'Bednet' }],
      },
    ];
    expect(productVariantIds(rules)).toEqual(['PVAR-1', 'PVAR-3']);
  });
});
