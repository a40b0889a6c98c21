import { describe, expect, it } from '@jest/globals';
import type { SelectedBoundary } from '../src/domain/boundaries.ts';
import {
  boundariesWithTargets,
  diffEntities,
  diffProjects,
  type ParentEntity,
  type ParentProject,
  type SheetEntity,
} from '../src/domain/update-diff.ts';
import { settledRows } from '../src/domain/store-child-campaign.ts';

const boundary = (
  code: string,
  parentCode: string | null,
  level: number,
  isLeaf: boolean,
): SelectedBoundary => ({
  code,
  boundaryType: `L${level}`,
  parentCode,
  level,
  isLeaf,
});
// MZ ─ D1 ─ L1, L2 ; MZ ─ D2 ─ L3 ; MZ ─ D3 ─ L4 (D3 and L4 are new in the child)
const boundaries = [
  boundary('MZ', null, 0, false),
  boundary('D1', 'MZ', 1, false),
  boundary('D2', 'MZ', 1, false),
  boundary('D3', 'MZ', 1, false),
  boundary('L1', 'D1', 2, true),
  boundary('L2', 'D1', 2, true),
  boundary('L3', 'D2', 2, true),
  boundary('L4', 'D3', 2, true),
];
const target = (targetNo: number) => [{ beneficiaryType: 'HOUSEHOLD', targetNo }];
const held = (boundaryCode: string, targetNo: number, isActive = true): ParentProject => ({
  boundaryCode,
  projectId: `P-${boundaryCode}`,
  targets: target(targetNo),
  isActive,
});

describe('project diff', () => {
  it('keeps leaves with targets and their ancestors, nothing else', () => {
    const kept = boundariesWithTargets(boundaries, new Set(['L1', 'L4']));
    expect([...kept].sort()).toEqual(['D1', 'D3', 'L1', 'L4', 'MZ']);
  });

  it('leaves unchanged projects alone, updates changed targets, creates new ones, deactivates dropped ones', () => {
    const parent = new Map(
      [held('MZ', 30), held('D1', 20), held('D2', 10), held('L1', 5), held('L2', 15), held('L3', 10)].map(
        (row) => [row.boundaryCode, row],
      ),
    );
    // L2 is dropped from the target sheet, L3 gets new targets, L4 is new.
    const targets = new Map([
      ['MZ', target(32)],
      ['D1', target(5)],
      ['D2', target(12)],
      ['D3', target(15)],
      ['L1', target(5)],
      ['L3', target(12)],
      ['L4', target(15)],
    ]);
    const kept = boundariesWithTargets(boundaries, new Set(['L1', 'L3', 'L4']));
    const rows = diffProjects(boundaries, kept, targets, parent);
    const byCode = Object.fromEntries(
      rows.map((row) => [row.boundary.code, { action: row.action, active: row.isActive, id: row.projectId }]),
    );
    expect(byCode).toEqual({
      MZ: { action: 'update', active: true, id: 'P-MZ' },
      D1: { action: 'update', active: true, id: 'P-D1' },
      D2: { action: 'update', active: true, id: 'P-D2' },
      D3: { action: 'create', active: true, id: null },
      L1: { action: 'none', active: true, id: 'P-L1' },
      L2: { action: 'deactivate', active: false, id: 'P-L2' },
      L3: { action: 'update', active: true, id: 'P-L3' },
      L4: { action: 'create', active: true, id: null },
    });
  });

  it('reactivates a project the parent had deactivated, even with the same targets', () => {
    const parent = new Map([
      ['MZ', held('MZ', 5)],
      ['D1', held('D1', 5)],
      ['L1', held('L1', 5)],
      ['L2', held('L2', 7, false)],
    ]);
    const targets = new Map([
      ['MZ', target(12)],
      ['D1', target(12)],
      ['L1', target(5)],
      ['L2', target(7)],
    ]);
    const kept = boundariesWithTargets(boundaries, new Set(['L1', 'L2']));
    const l2 = diffProjects(boundaries, kept, targets, parent).find((row) => row.boundary.code === 'L2');
    expect(l2).toMatchObject({ action: 'update', isActive: true, projectId: 'P-L2' });
  });

  it('carries a project the parent had deactivated and the child does not want, without a write', () => {
    const parent = new Map([['L2', held('L2', 7, false)]]);
    const kept = boundariesWithTargets(boundaries, new Set(['L1']));
    const l2 = diffProjects(boundaries, kept, new Map(), parent).find((row) => row.boundary.code === 'L2');
    expect(l2).toMatchObject({ action: 'none', isActive: false });
  });
});

const sheetRow = (
  key: string,
  active: boolean,
  codes: string[],
  digitId: string | null = null,
): SheetEntity => ({
  key,
  digitId,
  active,
  boundaryCodes: codes,
});
const parentRow = (key: string, codes: string[], isActive = true): ParentEntity => ({
  key,
  digitId: `ID-${key}`,
  isActive,
  boundaryCodes: codes,
});

describe('facility and user diff', () => {
  const parent = [
    parentRow('stays', ['L1']),
    parentRow('moves', ['L1']),
    parentRow('leaves', ['L2']),
    parentRow('returns', ['L3'], false),
    parentRow('untouched', ['L3']),
  ];

  it('gives every entity the change the spec asks for, and creates only new ones', () => {
    const rows = diffEntities(
      [
        sheetRow('stays', true, ['L1']),
        sheetRow('moves', true, ['L3']),
        sheetRow('leaves', false, ['L2']),
        sheetRow('returns', true, ['L4']),
        sheetRow('brand new', true, ['L4']),
        sheetRow('known elsewhere', true, ['L4'], 'ID-external'),
        sheetRow('never existed', false, ['L4']),
      ],
      parent,
    );
    const byKey = Object.fromEntries(
      rows.map((row) => [
        row.key,
        {
          change: row.change,
          action: row.action,
          active: row.isActive,
          id: row.digitId,
          codes: row.boundaryCodes,
        },
      ]),
    );
    expect(byKey).toEqual({
      stays: { change: 'unchanged', action: 'none', active: true, id: 'ID-stays', codes: ['L1'] },
      moves: { change: 'moved', action: 'none', active: true, id: 'ID-moves', codes: ['L3'] },
      leaves: { change: 'deactivated', action: 'none', active: false, id: 'ID-leaves', codes: ['L2'] },
      returns: { change: 'reused', action: 'none', active: true, id: 'ID-returns', codes: ['L4'] },
      'brand new': { change: 'created', action: 'create', active: true, id: null, codes: ['L4'] },
      'known elsewhere': { change: 'reused', action: 'none', active: true, id: 'ID-external', codes: ['L4'] },
      untouched: { change: 'carried', action: 'none', active: true, id: 'ID-untouched', codes: ['L3'] },
    });
  });

  it('matches a renamed row to its parent row by DIGIT id and keeps the parent key', () => {
    const rows = diffEntities([sheetRow('new name', true, ['L1'], 'ID-stays')], [parentRow('stays', ['L1'])]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key: 'stays', digitId: 'ID-stays', change: 'unchanged', action: 'none' });
  });

  it('unmaps a facility a template lists Inactive with no boundary, and takes up none the parent lacks', () => {
    const rows = diffEntities(
      [sheetRow('leaves', false, [], 'ID-leaves'), sheetRow('tenant depot', false, [], 'ID-depot')],
      [parentRow('leaves', ['L2'])],
    );
    expect(rows).toEqual([
      expect.objectContaining({
        key: 'leaves',
        change: 'deactivated',
        action: 'none',
        isActive: false,
        boundaryCodes: ['L2'],
      }),
    ]);
  });
});

describe('rows an update settles without DIGIT', () => {
  it('counts carried and unchanged rows as unchanged, moves as updates, re-use as adoption', () => {
    expect(
      settledRows({
        project: { unchanged: 5, carried: 1, update: 3, create: 2, deactivate: 1 },
        facility: { unchanged: 4, moved: 1, deactivated: 2, created: 3 },
        user: { carried: 2, reused: 1 },
      }),
    ).toEqual([
      ['project', 'unchanged', 6],
      ['facility', 'unchanged', 4],
      ['facility', 'updated', 1],
      ['facility', 'deactivated', 2],
      ['user', 'unchanged', 2],
      ['user', 'adopted', 1],
    ]);
  });
});
