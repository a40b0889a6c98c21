// The services' own timing of their DIGIT calls (each HTTP attempt, from sending the request to having
// its answer), read from their digit_request_duration_seconds histograms. Against the simulator's count of
// the same calls (from reading a request to answering it), it tells how long calls spent on their way:
// written and read by two processes whose event loops the machine's two cores share with everything else.

/** Milliseconds of DIGIT calls by DIGIT service, summed over one service's Prometheus exposition. */
export function callMsByDigitService(exposition: string): Map<string, number> {
  const ms = new Map<string, number>();
  for (const match of exposition.matchAll(/^digit_request_duration_seconds_sum\{([^}]*)\} (\S+)$/gm)) {
    const service = /(?:^|,)digit_service="([^"]*)"/.exec(match[1] ?? '')?.[1];
    const seconds = Number(match[2]);
    if (service && Number.isFinite(seconds)) ms.set(service, (ms.get(service) ?? 0) + seconds * 1000);
  }
  return ms;
}

/** The services' call times by DIGIT service, summed over every service's exposition. */
export function summedCallMs(expositions: readonly string[]): Map<string, number> {
  const total = new Map<string, number>();
  for (const exposition of expositions)
    for (const [service, ms] of callMsByDigitService(exposition))
      total.set(service, (total.get(service) ?? 0) + ms);
  return total;
}

/**
 * Share of the services' call time spent on the way between them and DIGIT (outside the simulator's
 * count): 0 when the services saw no more call time than the simulator did.
 */
export function shareOnTheWay(servicesMs: number, simulatorMs: number): number {
  return servicesMs > 0 ? Math.max(0, 1 - simulatorMs / servicesMs) : 0;
}

/** A DIGIT service's call slots from acceptance to creation beyond the work its latency model gives. */
export interface SlotTimeBeyondWork {
  /** Slot-ms of the model's work: DIGIT's own time. */
  workMs: number;
  /** Slot-ms with no call of ours in flight, as the services timed their calls. */
  noCall: number;
  /** Slot-ms of calls in the simulator beyond its model: its own work on this machine. */
  inDigit: number;
  /** Slot-ms of calls on their way between the services and the simulator. */
  onTheWay: number;
}

/**
 * Where a service's slot time beyond its work went: `spanMs` × `concurrency` slot-ms in all, of which the
 * model's work (`latencyMs`) is DIGIT's own; the rest is split by the simulator's count of the calls
 * (`busyMs`) and the services' (`servicesMs`). The three parts add up to the whole (a part is never
 * below 0): for the service the bound waits for, they are the overhead in slot time.
 */
export function slotTimeBeyondWork(
  spanMs: number,
  concurrency: number,
  calls: { latencyMs: number; busyMs: number },
  servicesMs: number,
): SlotTimeBeyondWork {
  const inDigit = Math.max(0, calls.busyMs - calls.latencyMs);
  const onTheWay = Math.max(0, servicesMs - calls.busyMs);
  const noCall = Math.max(0, spanMs * concurrency - calls.latencyMs - inDigit - onTheWay);
  return { workMs: calls.latencyMs, noCall, inDigit, onTheWay };
}
