import { describe, expect, it } from '@jest/globals';

import { projectTargets, sumTargetsUpTree } from '../../src/sheets/targets.ts';
import { PARENT_OF, TARGET_COLUMNS } from './fixtures.ts';

describe('projectTargets', () => {
  it('sums the columns of one beneficiary type, in the order of the project type', () => {
    const values = {
      HCM_ADMIN_CONSOLE_TARGET: 100,
      HCM_ADMIN_CONSOLE_TARGET_BEDNET_COLUMN_2: 400,
      HCM_ADMIN_CONSOLE_TARGET_BEDNET_COLUMN_3: 25,
    };
    expect(projectTargets(values, TARGET_COLUMNS)).toEqual([
      { beneficiaryType: 'HOUSEHOLD', targetNo: 125 },
      { beneficiaryType: 'INDIVIDUAL', targetNo: 400 },
    ]);
  });

  it('leaves out a beneficiary type whose columns are all empty and ignores unknown columns', () => {
    const columns = [
      ...TARGET_COLUMNS,
      { key: 'PRODUCT_COLUMN', beneficiaryType: 'PRODUCT', required: false },
    ];
    expect(projectTargets({ HCM_ADMIN_CONSOLE_TARGET: 7, OTHER: 3 }, columns)).toEqual([
      { beneficiaryType: 'HOUSEHOLD', targetNo: 7 },
    ]);
  });
});

describe('sumTargetsUpTree', () => {
  it('gives every ancestor the sum of the targets below it', () => {
    const leaves = new Map([
      [
        'D1',
        [
          { beneficiaryType: 'HOUSEHOLD', targetNo: 100 },
          { beneficiaryType: 'INDIVIDUAL', targetNo: 400 },
        ],
      ],
      ['D2', [{ beneficiaryType: 'HOUSEHOLD', targetNo: 200 }]],
      ['D3', [{ beneficiaryType: 'INDIVIDUAL', targetNo: 30 }]],
    ]);
    const totals = sumTargetsUpTree(leaves, PARENT_OF);
    expect(Object.fromEntries(totals)).toEqual({
      D1: [
        { beneficiaryType: 'HOUSEHOLD', targetNo: 100 },
        { beneficiaryType: 'INDIVIDUAL', targetNo: 400 },
      ],
      D2: [{ beneficiaryType: 'HOUSEHOLD', targetNo: 200 }],
      D3: [{ beneficiaryType: 'INDIVIDUAL', targetNo: 30 }],
      P1: [
        { beneficiaryType: 'HOUSEHOLD', targetNo: 300 },
        { beneficiaryType: 'INDIVIDUAL', targetNo: 400 },
      ],
      P2: [{ beneficiaryType: 'INDIVIDUAL', targetNo: 30 }],
      MZ: [
        { beneficiaryType: 'HOUSEHOLD', targetNo: 300 },
        { beneficiaryType: 'INDIVIDUAL', targetNo: 430 },
      ],
    });
  });

  it('refuses a parent map with a cycle instead of looping forever', () => {
    const cyclic = new Map([
      ['A', 'B'],
      ['B', 'A'],
    ]);
    expect(() => sumTargetsUpTree(new Map([['A', [{ beneficiaryType: 'X', targetNo: 1 }]]]), cyclic)).toThrow(
      'cycle',
    );
  });
});
