import { describe, expect, it } from '@jest/globals';
import type { BoundaryNode } from '@campaign-pipeline/shared';
import { selectBoundaries } from '../src/domain/boundaries.ts';

const node = (code: string, boundaryType: string, children: BoundaryNode[] = []): BoundaryNode => ({
  code,
  boundaryType,
  children,
});
const tree = [
  node('MZ', 'COUNTRY', [
    node('P1', 'PROVINCE', [
      node('D1', 'DISTRICT', [node('L1', 'LOCALITY'), node('L2', 'LOCALITY')]),
      node('D2', 'DISTRICT', [node('L3', 'LOCALITY')]),
    ]),
    node('P2', 'PROVINCE', [node('D3', 'DISTRICT', [node('L4', 'LOCALITY')])]),
  ]),
];

describe('campaign boundaries', () => {
  it('takes the root with all its children', () => {
    const { selection, problems } = selectBoundaries(tree, [
      { code: 'MZ', isRoot: true, includeAllChildren: true },
    ]);
    expect(problems).toEqual([]);
    expect(selection?.boundaries.map((b) => b.code)).toEqual([
      'MZ',
      'P1',
      'D1',
      'L1',
      'L2',
      'D2',
      'L3',
      'P2',
      'D3',
      'L4',
    ]);
    expect(selection?.boundaries.filter((b) => b.isLeaf).map((b) => b.code)).toEqual([
      'L1',
      'L2',
      'L3',
      'L4',
    ]);
    expect(selection?.boundaries.find((b) => b.code === 'L3')).toEqual({
      code: 'L3',
      boundaryType: 'LOCALITY',
      parentCode: 'D2',
      level: 3,
      isLeaf: true,
    });
  });

  it('connects a selected boundary to the root through its ancestors, and stops where nothing is included', () => {
    const { selection } = selectBoundaries(tree, [
      { code: 'MZ', isRoot: true },
      { code: 'L3' },
      { code: 'D3', includeAllChildren: true },
    ]);
    expect(selection?.boundaries.map((b) => b.code)).toEqual(['MZ', 'P1', 'D2', 'L3', 'P2', 'D3', 'L4']);
    expect(selection?.boundaries.filter((b) => b.isLeaf).map((b) => b.code)).toEqual(['L3', 'L4']);
  });

  it('reports unknown boundaries, wrong types and the number of roots together', () => {
    const { selection, problems } = selectBoundaries(tree, [
      { code: 'MZ', isRoot: true },
      { code: 'P9' },
      { code: 'D1', type: 'PROVINCE', isRoot: true },
    ]);
    expect(selection).toBeUndefined();
    expect(problems.map((p) => p.code)).toEqual([
      'BOUNDARY_NOT_FOUND',
      'BOUNDARY_TYPE_MISMATCH',
      'BOUNDARY_ROOT',
    ]);
  });

  it('rejects a boundary outside the root', () => {
    const { problems } = selectBoundaries(tree, [{ code: 'P1', isRoot: true }, { code: 'D3' }]);
    expect(problems).toEqual([
      { code: 'BOUNDARY_OUTSIDE_ROOT', message: 'boundary D3 is not under the root P1' },
    ]);
  });
});
