import {
  acceptedToCreated,
  compareFlows,
  pipelineOverheadMs,
  type CampaignBenchResult,
  type FlowComparison,
} from './campaign.ts';

// Several runs of the same campaign bench, summed up. On a machine whose two cores every process shares,
// one L run's time from acceptance varies by a few seconds from the next: a change is judged on the
// spread of several runs, not on one.

/** The middle value of the runs, and the lowest and highest. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('a spread needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
}

/** What the runs of one flow measured, each figure over the runs. */
export interface RunsSummary {
  flow: string;
  runs: number;
  endToEndSeconds: Spread;
  acceptedToCreatedSeconds: Spread;
  ratioToBound: Spread;
  overheadMsPerChunk: Spread;
  /** Calls made against the minimal calls, per DIGIT service. */
  callsToMinimal: Record<string, Spread>;
  peakMemoryMb: Record<string, Spread>;
}

const byKey = <T>(results: readonly T[], entries: (result: T) => [string, number][]) => {
  const values = new Map<string, number[]>();
  for (const result of results) {
    for (const [key, value] of entries(result)) {
      const list = values.get(key) ?? [];
      list.push(value);
      values.set(key, list);
    }
  }
  return Object.fromEntries([...values].map(([key, list]) => [key, spread(list)]));
};

export function summarizeRuns(results: readonly CampaignBenchResult[]): RunsSummary {
  const flow = results[0]?.options.flow;
  if (!flow || results.some((result) => result.options.flow !== flow))
    throw new Error('runs to sum up must be of one flow');
  return {
    flow,
    runs: results.length,
    endToEndSeconds: spread(results.map((result) => result.seconds)),
    acceptedToCreatedSeconds: spread(results.map(acceptedToCreated)),
    ratioToBound: spread(
      results.map((result) => acceptedToCreated(result) / Math.max(result.lowerBoundSeconds, 0.001)),
    ),
    overheadMsPerChunk: spread(results.map(pipelineOverheadMs)),
    callsToMinimal: byKey(results, (result) =>
      result.services.map((service) => [service.service, service.calls / Math.max(service.minimalCalls, 1)]),
    ),
    peakMemoryMb: byKey(results, (result) => Object.entries(result.peakMemoryMb)),
  };
}

/** How much faster the parallel flow ran than the linear one, run by run (the two of each run paired). */
export function flowComparisons(
  parallel: readonly CampaignBenchResult[],
  linear: readonly CampaignBenchResult[],
): { fromAcceptance: Spread; endToEnd: Spread } {
  const pairs: FlowComparison[] = parallel
    .slice(0, linear.length)
    .map((result, run) => compareFlows(result, linear[run] as CampaignBenchResult));
  return {
    fromAcceptance: spread(pairs.map((pair) => pair.fromAcceptance)),
    endToEnd: spread(pairs.map((pair) => pair.endToEnd)),
  };
}

const shown = (value: Spread, digits: number, unit = '') =>
  `${value.median.toFixed(digits)}${unit} (${value.min.toFixed(digits)}–${value.max.toFixed(digits)})`;

export function formatRunsSummary(summary: RunsSummary): string {
  const perKey = (values: Record<string, Spread>, digits: number) =>
    Object.entries(values)
      .map(([key, value]) => `${key} ${shown(value, digits)}`)
      .join(', ');
  return [
    `${summary.flow} flow over ${summary.runs} runs, median (lowest–highest):`,
    `  end to end ${shown(summary.endToEndSeconds, 1, ' s')}; accepted to created ${shown(summary.acceptedToCreatedSeconds, 1, ' s')}, ratio to the bound ${shown(summary.ratioToBound, 2)}`,
    `  pipeline overhead ${shown(summary.overheadMsPerChunk, 1, ' ms')} per chunk`,
    `  DIGIT calls made against the minimal calls: ${perKey(summary.callsToMinimal, 2)}`,
    `  peak memory (MB): ${perKey(summary.peakMemoryMb, 0)}`,
  ].join('\n');
}

export function formatFlowComparisons(comparison: { fromAcceptance: Spread; endToEnd: Spread }): string {
  return (
    `parallel flow against the linear flow, run by run, median (lowest–highest): ` +
    `${shown(comparison.fromAcceptance, 2, 'x')} as fast from acceptance to creation, ` +
    `${shown(comparison.endToEnd, 2, 'x')} end to end`
  );
}
