import { describe, expect, it } from '@jest/globals';
import {
  facilityTemplate,
  facilityTemplateRow,
  type ListedFacility,
} from '../src/domain/facility-template.ts';

function listed(id: string, fields: Partial<ListedFacility> = {}): ListedFacility {
  return {
    id,
    name: `Depot ${id}`,
    isPermanent: true,
    usage: 'Warehouse',
    storageCapacity: 500,
    isDeleted: false,
    ...fields,
  };
}

describe('a template row of a DIGIT facility', () => {
  it('names the facility by its id and lists it Inactive with no boundary', () => {
    expect(facilityTemplateRow(listed('F-1', { name: ' Depot Norte ', isPermanent: false }))).toEqual({
      facilityId: 'F-1',
      name: 'Depot Norte',
      type: 'Warehouse',
      status: 'Temporary',
      capacity: 500,
      boundaryCodes: [],
      usage: 'Inactive',
    });
  });

  it("takes DIGIT's usage as the facility type, spelt as the sheet spells it", () => {
    expect(facilityTemplateRow(listed('F-1', { usage: 'health facility' }))).toMatchObject({
      type: 'Health Facility',
      status: 'Permanent',
    });
  });

  it.each([
    ['no name', { name: '  ' }],
    ['a name missing', { name: null }],
    ['a usage that is no facility type of the sheet', { usage: 'Hospital Ship' }],
    ['no usage', { usage: null }],
    ['no capacity', { storageCapacity: null }],
    ['a capacity of 0', { storageCapacity: 0 }],
    ['a fractional capacity', { storageCapacity: 2.5 }],
    ['a capacity above the sheet range', { storageCapacity: 100_000_001 }],
  ])('is none for a facility with %s, which no valid row can show', (_what, fields) => {
    expect(facilityTemplateRow(listed('F-1', fields))).toBeUndefined();
  });

  it('shows a facility a parent campaign holds as the parent has it', () => {
    const held = { active: true, boundaryCodes: ['L1', 'L2'] };
    expect(facilityTemplateRow(listed('F-1'), held)).toMatchObject({
      boundaryCodes: ['L1', 'L2'],
      usage: 'Active',
    });
    expect(facilityTemplateRow(listed('F-1'), { active: false, boundaryCodes: ['L1'] })).toMatchObject({
      boundaryCodes: ['L1'],
      usage: 'Inactive',
    });
  });
});

describe('the facility template', () => {
  it("lists the tenant's live facilities by name, leaving out deleted and unfit ones", () => {
    const template = facilityTemplate([
      listed('F-3', { name: 'Clinic Sul', usage: 'Health Facility' }),
      listed('F-1', { name: 'Armazém Central' }),
      listed('F-2', { name: 'Closed Store', isDeleted: true }),
      listed('F-4', { name: 'No Capacity', storageCapacity: null }),
    ]);
    expect(template.rows.map((row) => [row.facilityId, row.name])).toEqual([
      ['F-1', 'Armazém Central'],
      ['F-3', 'Clinic Sul'],
    ]);
    expect(template.leftOut).toBe(2);
  });

  it('lists one row of facilities sharing a name, as the sheet needs names unique', () => {
    const twins = [listed('F-9', { name: 'Depot' }), listed('F-5', { name: ' depot ' })];
    expect(facilityTemplate(twins)).toEqual({
      rows: [expect.objectContaining({ facilityId: 'F-5', name: 'depot' })],
      leftOut: 1,
    });
    const held = new Map([['F-9', { active: true, boundaryCodes: ['L1'] }]]);
    expect(facilityTemplate(twins, held).rows).toEqual([
      expect.objectContaining({ facilityId: 'F-9', usage: 'Active', boundaryCodes: ['L1'] }),
    ]);
  });
});
