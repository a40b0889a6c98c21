import { describe, expect, it } from '@jest/globals';
import { BoundaryTree, type BoundaryNode } from '@campaign-pipeline/shared';
import { selectBoundaries } from '../src/domain/boundaries.ts';

const node = (code: string, boundaryType: string, children: BoundaryNode[] = []): BoundaryNode => ({
  code,
  boundaryType,
  children,
});
const tree = BoundaryTree.of([
  node('MZ', 'COUNTRY', [
    node('P1', 'PROVINCE', [
      node('D1', 'DISTRICT', [node('L1', 'LOCALITY'), node('L2', 'LOCALITY')]),
      node('D2', 'DISTRICT', [node('L3', 'LOCALITY')]),
    ]),
    node('P2', 'PROVINCE', [node('D3', 'DISTRICT', [node('L4', 'LOCALITY')])]),
  ]),
]);

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

  it('levels a campaign from its own root, below the top of the hierarchy', () => {
    const { selection } = selectBoundaries(tree, [{ code: 'P1', isRoot: true, includeAllChildren: true }]);
    expect(selection?.boundaries.map((b) => [b.code, b.parentCode, b.level, b.isLeaf])).toEqual([
      ['P1', null, 0, false],
      ['D1', 'P1', 1, false],
      ['L1', 'D1', 2, true],
      ['L2', 'D1', 2, true],
      ['D2', 'P1', 1, false],
      ['L3', 'D2', 2, true],
    ]);
  });

  it('selects in a hierarchy 100,000 levels deep without running out of stack', () => {
    let deepest = node('B99999', 'LEVEL');
    for (let level = 99_998; level >= 0; level--) deepest = node(`B${level}`, 'LEVEL', [deepest]);
    const { selection, problems } = selectBoundaries(BoundaryTree.of([deepest]), [
      { code: 'B0', isRoot: true },
      { code: 'B99999' },
    ]);
    expect(problems).toEqual([]);
    expect(selection?.boundaries).toHaveLength(100_000);
    expect(selection?.boundaries.at(-1)).toEqual({
      code: 'B99999',
      boundaryType: 'LEVEL',
      parentCode: 'B99998',
      level: 99_999,
      isLeaf: true,
    });
  });
});
