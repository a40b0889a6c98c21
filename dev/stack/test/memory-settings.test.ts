import { describe, expect, it } from '@jest/globals';
import { chartMemorySettings, memoryEnv } from '../src/index.ts';

describe("the chart's memory settings", () => {
  it('are read per service from the chart, its own over the defaults', () => {
    const settings = chartMemorySettings();
    expect(settings['project-sync']).toEqual({
      heapLimitMb: 384,
      semiSpaceMb: 16,
      mallocMmapThresholdBytes: 131072,
    });
    expect(settings['facility-sync']).toEqual({
      heapLimitMb: 384,
      semiSpaceMb: 4,
      mallocMmapThresholdBytes: 131072,
    });
    expect(settings.intake).toEqual({ heapLimitMb: 320, semiSpaceMb: 4, mallocMmapThresholdBytes: 131072 });
  });

  it("go into NODE_OPTIONS and glibc's variable, each only where the environment does not set it already", () => {
    const memory = { heapLimitMb: 384, semiSpaceMb: 16, mallocMmapThresholdBytes: 131072 };
    expect(memoryEnv({}, memory)).toEqual({
      NODE_OPTIONS: '--max-old-space-size=384 --max-semi-space-size=16',
      MALLOC_MMAP_THRESHOLD_: '131072',
    });
    expect(
      memoryEnv({ NODE_OPTIONS: '--max-old-space-size=96', MALLOC_MMAP_THRESHOLD_: '65536' }, memory),
    ).toEqual({
      NODE_OPTIONS: '--max-old-space-size=96 --max-semi-space-size=16',
      MALLOC_MMAP_THRESHOLD_: '65536',
    });
    expect(
      memoryEnv({ NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=4' }, memory).NODE_OPTIONS,
    ).toBe('--enable-source-maps --max-semi-space-size=4 --max-old-space-size=384');
  });
});
