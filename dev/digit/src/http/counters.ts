// Call counters per simulated service: calls by method and path, answers by status, calls in flight and
// the most ever in flight at once (arrivals, including those turned away for want of capacity), and how
// busy the service was: the call time it served, in total and second by second, which tells a client's
// idle gaps from DIGIT's own limit.
import { SERVICE_NAMES, type FaultKind, type ServiceName } from '../behaviour.ts';

export interface ServiceCalls {
  total: number;
  /** `METHOD /path` → calls. */
  byRoute: Record<string, number>;
  /** HTTP status (or `dropped` for timeouts and resets) → calls. */
  byStatus: Record<string, number>;
  inFlight: number;
  maxConcurrency: number;
  /** Calls refused with 503 because the service was at capacity. */
  rejected: number;
  /** Injected faults by kind: calls struck, or for `drop-items` the items struck. */
  faults: Partial<Record<FaultKind, number>>;
  /** Milliseconds of calls in flight, summed over the calls (two calls for one second: 2000). */
  busyMs: number;
  /** The same, for each second since the counts were reset. */
  busyMsBySecond: number[];
  /**
   * Milliseconds of latency the model gave the calls, summed: `busyMs` beyond it is the simulator's own
   * work (parsing, storing, answering) and its event loop's delays on a busy machine.
   */
  latencyMs: number;
  /**
   * `METHOD /path` → what the calls carrying a list (creates) carried: calls, items, and request bytes as
   * declared by Content-Length. How large an item is as sent tells how many fit in one request.
   */
  carried: Record<string, { calls: number; items: number; bytes: number }>;
  /**
   * `METHOD /path` → the messages the service pushed to save what the route created: messages, items, and
   * bytes. How large an item is once enriched tells how many fit in one message, which bounds a request.
   */
  pushed: Record<string, { messages: number; items: number; bytes: number }>;
}

export type CallReport = Record<ServiceName, ServiceCalls>;

function emptyCalls(): ServiceCalls {
  return {
    total: 0,
    byRoute: {},
    byStatus: {},
    inFlight: 0,
    maxConcurrency: 0,
    rejected: 0,
    faults: {},
    busyMs: 0,
    busyMsBySecond: [],
    latencyMs: 0,
    carried: {},
    pushed: {},
  };
}

/** Seconds of history kept second by second: an hour, so that a hostile run cannot grow it without end. */
const MAX_SECONDS = 3600;

export class CallCounters {
  private calls = new Map<ServiceName, ServiceCalls>();
  private since = performance.now();
  /** When each service's calls in flight last changed. */
  private changedAt = new Map<ServiceName, number>();

  constructor() {
    this.reset();
  }

  /** Counts an arrival; returns the calls now in flight for the service. */
  begin(service: ServiceName, route: string): number {
    const calls = this.of(service);
    this.accrue(service, calls);
    calls.total++;
    calls.byRoute[route] = (calls.byRoute[route] ?? 0) + 1;
    calls.inFlight++;
    calls.maxConcurrency = Math.max(calls.maxConcurrency, calls.inFlight);
    return calls.inFlight;
  }

  /** The call's answer was handed to the network (or its connection ended): it no longer takes capacity. */
  answered(service: ServiceName): void {
    const calls = this.of(service);
    this.accrue(service, calls);
    calls.inFlight = Math.max(0, calls.inFlight - 1);
  }

  /** Counts how the call ended: its HTTP status, or `dropped`. */
  end(service: ServiceName, outcome: string): void {
    const { byStatus } = this.of(service);
    byStatus[outcome] = (byStatus[outcome] ?? 0) + 1;
  }

  /** Counts the latency the model gave a call. */
  latency(service: ServiceName, ms: number): void {
    this.of(service).latencyMs += ms;
  }

  /** Counts what a call carrying `items` items in `bytes` bytes of request carried. */
  carry(service: ServiceName, route: string, items: number, bytes: number): void {
    const { carried } = this.of(service);
    const counted = (carried[route] ??= { calls: 0, items: 0, bytes: 0 });
    counted.calls++;
    counted.items += items;
    counted.bytes += bytes;
  }

  /** Counts a message of `items` enriched items in `bytes` bytes, pushed to save what `route` created. */
  push(service: ServiceName, route: string, items: number, bytes: number): void {
    const { pushed } = this.of(service);
    const counted = (pushed[route] ??= { messages: 0, items: 0, bytes: 0 });
    counted.messages++;
    counted.items += items;
    counted.bytes += bytes;
  }

  rejected(service: ServiceName): void {
    this.of(service).rejected++;
  }

  fault(service: ServiceName, kind: FaultKind, times = 1): void {
    const { faults } = this.of(service);
    faults[kind] = (faults[kind] ?? 0) + times;
  }

  /** Clears the counts but keeps the calls still in flight. */
  reset(): void {
    const next = new Map<ServiceName, ServiceCalls>();
    for (const name of SERVICE_NAMES) {
      const inFlight = this.calls.get(name)?.inFlight ?? 0;
      next.set(name, { ...emptyCalls(), inFlight, maxConcurrency: inFlight });
    }
    this.calls = next;
    this.since = performance.now();
    this.changedAt.clear();
  }

  report(): CallReport {
    const report = {} as CallReport;
    for (const name of SERVICE_NAMES) {
      const calls = this.of(name);
      this.accrue(name, calls);
      report[name] = {
        ...calls,
        byRoute: { ...calls.byRoute },
        byStatus: { ...calls.byStatus },
        faults: { ...calls.faults },
        carried: Object.fromEntries(
          Object.entries(calls.carried).map(([route, carried]) => [route, { ...carried }]),
        ),
        pushed: Object.fromEntries(
          Object.entries(calls.pushed).map(([route, pushed]) => [route, { ...pushed }]),
        ),
        busyMs: Math.round(calls.busyMs),
        latencyMs: Math.round(calls.latencyMs),
        busyMsBySecond: calls.busyMsBySecond.map(Math.round),
      };
    }
    return report;
  }

  /** Adds the call time since the last change of the calls in flight, split over the seconds it spans. */
  private accrue(service: ServiceName, calls: ServiceCalls): void {
    const now = performance.now();
    let from = this.changedAt.get(service) ?? this.since;
    this.changedAt.set(service, now);
    if (calls.inFlight === 0) return;
    calls.busyMs += calls.inFlight * (now - from);
    // Second by second by index, so that rounding can never keep `from` at a second's boundary.
    for (let second = Math.floor((from - this.since) / 1000); from < now && second < MAX_SECONDS; second++) {
      const to = Math.min(now, this.since + (second + 1) * 1000);
      if (to <= from) continue;
      while (calls.busyMsBySecond.length <= second) calls.busyMsBySecond.push(0);
      calls.busyMsBySecond[second] = (calls.busyMsBySecond[second] ?? 0) + calls.inFlight * (to - from);
      from = to;
    }
  }

  private of(service: ServiceName): ServiceCalls {
    let calls = this.calls.get(service);
    if (!calls) {
      calls = emptyCalls();
      this.calls.set(service, calls);
    }
    return calls;
  }
}
