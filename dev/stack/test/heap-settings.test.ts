import { describe, expect, it } from '@jest/globals';
import { chartHeapSettings, withHeapSettings } from '../src/index.ts';

describe("the chart's V8 memory settings", () => {
  it('are read per service from the chart, its own over the defaults', () => {
    const settings = chartHeapSettings();
    expect(settings['project-sync']).toEqual({ heapLimitMb: 384, semiSpaceMb: 4 });
    expect(settings.intake).toEqual({ heapLimitMb: 320, semiSpaceMb: 4 });
  });

  it('go into NODE_OPTIONS, each only where the options do not set it already', () => {
    const heap = { heapLimitMb: 384, semiSpaceMb: 16 };
    expect(withHeapSettings('', heap)).toBe('--max-old-space-size=384 --max-semi-space-size=16');
    expect(withHeapSettings('--max-old-space-size=96', heap)).toBe(
      '--max-old-space-size=96 --max-semi-space-size=16',
    );
    expect(withHeapSettings('--enable-source-maps --max-semi-space-size=4', heap)).toBe(
      '--enable-source-maps --max-semi-space-size=4 --max-old-space-size=384',
    );
  });
});
