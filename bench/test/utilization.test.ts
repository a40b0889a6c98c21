import { describe, expect, it } from '@jest/globals';
import { idleCapacity, utilization, utilizationTimeline } from '../src/utilization.ts';

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

describe('idle capacity of a DIGIT service', () => {
  it('splits the idle slot-seconds at the first and last full seconds', () => {
    // 8 slots; accepted at 0, created at 6: ramping up 2 s, full, a dip, full, then the last calls alone.
    const idle = idleCapacity({ busyMsBySecond: [1000, 4000, 8000, 6000, 7200, 2000] }, 8, 0, 6);
    expect(idle).toMatchObject({ ranFull: true, beforeFull: 7 + 4, afterFull: 6 });
    expect(idle.betweenFull).toBeCloseTo(0 + 2 + 0.8);
    expect(idle.secondsBeforeFull).toBe(2);
    expect(idle.secondsAfterFull).toBe(1);
  });

  it('counts a second cut by acceptance or creation by its own share', () => {
    // Accepted at 0.5 s into a second the service was full for: its second half is full and idle-free.
    const idle = idleCapacity({ busyMsBySecond: [8000, 0, 8000] }, 8, 0.5, 2.5);
    expect(idle.ranFull).toBe(true);
    expect(idle.beforeFull).toBeCloseTo(0);
    expect(idle.betweenFull).toBeCloseTo(8);
    expect(idle.afterFull).toBeCloseTo(0);
    expect(idle.secondsBeforeFull).toBeCloseTo(0);
    expect(idle.secondsAfterFull).toBeCloseTo(0);
  });

  it('puts all of it before when the service never ran full', () => {
    const idle = idleCapacity({ busyMsBySecond: [2000, 4000] }, 8, 0, 2);
    expect(idle).toMatchObject({ ranFull: false, beforeFull: 6 + 4, betweenFull: 0, afterFull: 0 });
    expect(idle.secondsBeforeFull).toBe(2);
  });
});
