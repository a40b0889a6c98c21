import { describe, expect, it } from '@jest/globals';
import { MIN_SPREAD_PROJECTS, levelBatchSize } from '../src/domain/level-batches.ts';

const batching = { maxProjects: 10_000, concurrentCalls: 8 };

describe('projects per create of a level', () => {
  it('spreads a level of the top-levels chunk over the concurrent calls', () => {
    expect(levelBatchSize(4000, { ...batching, chunkLevels: 4 })).toBe(500);
    expect(levelBatchSize(4001, { ...batching, chunkLevels: 4 })).toBe(501);
  });

  it('keeps small levels in few calls: a call of a few projects costs more than it saves', () => {
    expect(levelBatchSize(1, { ...batching, chunkLevels: 4 })).toBe(MIN_SPREAD_PROJECTS);
    // 200 projects: 4 calls of 50, not 8 of 25.
    expect(levelBatchSize(200, { ...batching, chunkLevels: 4 })).toBe(MIN_SPREAD_PROJECTS);
    expect(levelBatchSize(1000, { ...batching, chunkLevels: 4 })).toBe(125);
  });

  it('sends a chunk of one level in the fewest calls, beside the chunks that keep the others busy', () => {
    expect(levelBatchSize(1400, { ...batching, chunkLevels: 1 })).toBe(10_000);
  });

  it('never exceeds the batch size DIGIT takes', () => {
    expect(levelBatchSize(100_000, { ...batching, maxProjects: 500, chunkLevels: 2 })).toBe(500);
  });
});
