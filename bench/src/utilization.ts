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

/** A second counts as full when our calls kept at least this share of the service's concurrency busy. */
export const FULL_SHARE = 0.9;

/**
 * Where a service's unused capacity lies between acceptance and creation, in slot-seconds (a second of
 * one call slot left idle): before the first full second (the pipeline ramping up), after the last one
 * (its last calls running on while slots wait), and between the two.
 */
export interface IdleCapacity {
  /** Whether any second was full; if none was, all the idle capacity counts as before. */
  ranFull: boolean;
  beforeFull: number;
  betweenFull: number;
  afterFull: number;
  /** Seconds from acceptance to the first full second, and from the end of the last one to creation. */
  secondsBeforeFull: number;
  secondsAfterFull: number;
}

export function idleCapacity(
  calls: { busyMsBySecond: number[] },
  concurrency: number,
  fromSeconds: number,
  toSeconds: number,
): IdleCapacity {
  const seconds: { start: number; end: number; idle: number; full: boolean }[] = [];
  for (let second = Math.floor(fromSeconds); second < toSeconds; second++) {
    const start = Math.max(second, fromSeconds);
    const end = Math.min(second + 1, toSeconds);
    const busy = ((calls.busyMsBySecond[second] ?? 0) / 1000) * (end - start);
    const capacity = concurrency * (end - start);
    // A cut second is judged by its own share, so that acceptance or creation mid-second changes nothing.
    seconds.push({ start, end, idle: Math.max(0, capacity - busy), full: busy >= FULL_SHARE * capacity });
  }
  const first = seconds.findIndex((second) => second.full);
  const last = seconds.findLastIndex((second) => second.full);
  const idleOf = (from: number, to: number) =>
    seconds.slice(from, to).reduce((total, second) => total + second.idle, 0);
  if (first < 0)
    return {
      ranFull: false,
      beforeFull: idleOf(0, seconds.length),
      betweenFull: 0,
      afterFull: 0,
      secondsBeforeFull: toSeconds - fromSeconds,
      secondsAfterFull: 0,
    };
  return {
    ranFull: true,
    beforeFull: idleOf(0, first),
    betweenFull: idleOf(first, last + 1),
    afterFull: idleOf(last + 1, seconds.length),
    secondsBeforeFull: (seconds[first] as { start: number }).start - fromSeconds,
    secondsAfterFull: toSeconds - (seconds[last] as { end: number }).end,
  };
}
