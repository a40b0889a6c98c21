// How busy our calls kept a DIGIT service, from the simulator's count of call time second by second.

/** Seconds a character of the printed utilization timeline stands for. */
export const UTILIZATION_STRETCH_S = 2;

/**
 * How much of a DIGIT service's concurrency our calls kept busy: over the time from acceptance to creation,
 * and stretch by stretch from the request on (the simulator counts call time second by second). Where it
 * falls below 1 while work waits for the service, the pipeline, not DIGIT, sets the pace.
 */
export function utilization(
  calls: { busyMsBySecond: number[] },
  concurrency: number,
  fromSeconds: number,
  toSeconds: number,
): { utilization: number; utilizationOverTime: number[] } {
  const seconds = calls.busyMsBySecond;
  const span = Math.max(toSeconds - fromSeconds, 0.001);
  const busy = seconds.reduce(
    (total, ms, second) =>
      total + ms * Math.max(0, Math.min(second + 1, toSeconds) - Math.max(second, fromSeconds)),
    0,
  );
  const overTime: number[] = [];
  for (let start = 0; start < toSeconds; start += UTILIZATION_STRETCH_S) {
    const stretch = seconds.slice(start, start + UTILIZATION_STRETCH_S);
    const ms = stretch.reduce((total, value) => total + value, 0);
    overTime.push(ms / (concurrency * 1000 * UTILIZATION_STRETCH_S));
  }
  return { utilization: busy / (concurrency * 1000 * span), utilizationOverTime: overTime };
}

/** A timeline of utilization, a character a stretch: '.' idle, '1'–'9' tenths busy, '#' full. */
export function utilizationTimeline(overTime: readonly number[]): string {
  return overTime
    .map((share) => (share < 0.05 ? '.' : share >= 0.95 ? '#' : String(Math.max(1, Math.round(share * 10)))))
    .join('');
}
