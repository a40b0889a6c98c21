import { describe, expect, it } from '@jest/globals';
import { utilization, utilizationTimeline } from '../src/utilization.ts';

describe('utilization of a DIGIT service', () => {
  it('counts only the call time between acceptance and creation, over the whole concurrency', () => {
    // 8 slots; seconds 0–3 carried 8, 4, 0 and 8 slots' worth; accepted at 1 s, created at 4 s.
    const result = utilization({ busyMsBySecond: [8000, 4000, 0, 8000] }, 8, 1, 4);
    expect(result.utilization).toBeCloseTo((4000 + 0 + 8000) / (8 * 1000 * 3));
  });

  it('takes part of a second cut by acceptance or creation in proportion', () => {
    const result = utilization({ busyMsBySecond: [8000, 8000] }, 8, 0.5, 1.5);
    expect(result.utilization).toBeCloseTo((4000 + 4000) / 8000);
  });

  it('draws idle stretches as dots, full ones as #, the rest in tenths', () => {
    const { utilizationOverTime } = utilization({ busyMsBySecond: [0, 0, 8000, 8000, 4000, 2400] }, 8, 0, 6);
    expect(utilizationOverTime).toEqual([0, 1, 0.4]);
    expect(utilizationTimeline(utilizationOverTime)).toBe('.#4');
  });
});
