import { describe, expect, it } from '@jest/globals';
import type { CampaignBenchResult } from '../src/campaign.ts';
import { flowComparisons, spread, summarizeRuns } from '../src/campaign-runs.ts';

/** A run with the figures the summary reads; the rest does not matter to it. */
function run(
  flow: 'parallel' | 'linear',
  seconds: number,
  intakeSeconds: number,
  peakMb: number,
  hrmsCalls: number,
): CampaignBenchResult {
  return {
    options: { flow },
    seconds,
    intakeSeconds,
    lowerBoundSeconds: 10,
    chunks: 100,
    services: [{ service: 'hrms', calls: hrmsCalls, minimalCalls: 12 }],
    peakMemoryMb: { intake: peakMb },
  } as unknown as CampaignBenchResult;
}

describe('a spread of runs', () => {
  it('has the middle value of an odd count, and the lowest and highest', () => {
    expect(spread([43, 40, 41.5])).toEqual({ median: 41.5, min: 40, max: 43 });
  });

  it('has the mean of the two middle values of an even count', () => {
    expect(spread([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
  });

  it('refuses no values', () => {
    expect(() => spread([])).toThrow(/at least one/);
  });
});

describe('the summary of several runs of one flow', () => {
  const runs = [
    run('parallel', 57, 15, 180, 65),
    run('parallel', 55, 14, 191, 65),
    run('parallel', 60, 16, 170, 66),
  ];
  const summary = summarizeRuns(runs);

  it('takes the time from acceptance, its ratio to the bound and the overhead per chunk run by run', () => {
    expect(summary.runs).toBe(3);
    expect(summary.acceptedToCreatedSeconds).toEqual({ median: 42, min: 41, max: 44 });
    expect(summary.ratioToBound).toEqual({ median: 4.2, min: 4.1, max: 4.4 });
    // (42 s − 10 s) over 100 chunks.
    expect(summary.overheadMsPerChunk.median).toBeCloseTo(320);
  });

  it('gives each service its calls against the minimal calls, and each process its peak memory', () => {
    expect(summary.callsToMinimal.hrms).toEqual({ median: 65 / 12, min: 65 / 12, max: 66 / 12 });
    expect(summary.peakMemoryMb.intake).toEqual({ median: 180, min: 170, max: 191 });
  });

  it('refuses runs of different flows', () => {
    expect(() => summarizeRuns([run('parallel', 50, 10, 1, 1), run('linear', 50, 10, 1, 1)])).toThrow(
      /one flow/,
    );
  });
});

describe('the flows compared over several runs', () => {
  it('pairs the parallel and the linear run of each run', () => {
    const parallel = [run('parallel', 6, 2, 1, 1), run('parallel', 7, 2, 1, 1)];
    const linear = [run('linear', 10, 2, 1, 1), run('linear', 12, 2, 1, 1)];
    // From acceptance: 8 / 4 = 2 and 10 / 5 = 2; end to end 10 / 6 and 12 / 7.
    expect(flowComparisons(parallel, linear).fromAcceptance).toEqual({ median: 2, min: 2, max: 2 });
    expect(flowComparisons(parallel, linear).endToEnd.max).toBeCloseTo(12 / 7);
  });
});
