// Call counters per simulated service: calls by method and path, answers by status, calls in flight and
// the most ever in flight at once (arrivals, including those turned away for want of capacity).
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
}

export type CallReport = Record<ServiceName, ServiceCalls>;

function emptyCalls(): ServiceCalls {
  return { total: 0, byRoute: {}, byStatus: {}, inFlight: 0, maxConcurrency: 0, rejected: 0, faults: {} };
}

export class CallCounters {
  private calls = new Map<ServiceName, ServiceCalls>();

  constructor() {
    this.reset();
  }

  /** Counts an arrival; returns the calls now in flight for the service. */
  begin(service: ServiceName, route: string): number {
    const calls = this.of(service);
    calls.total++;
    calls.byRoute[route] = (calls.byRoute[route] ?? 0) + 1;
    calls.inFlight++;
    calls.maxConcurrency = Math.max(calls.maxConcurrency, calls.inFlight);
    return calls.inFlight;
  }

  end(service: ServiceName, outcome: string): void {
    const calls = this.of(service);
    calls.inFlight = Math.max(0, calls.inFlight - 1);
    calls.byStatus[outcome] = (calls.byStatus[outcome] ?? 0) + 1;
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
  }

  report(): CallReport {
    const report = {} as CallReport;
    for (const name of SERVICE_NAMES) {
      const calls = this.of(name);
      report[name] = {
        ...calls,
        byRoute: { ...calls.byRoute },
        byStatus: { ...calls.byStatus },
        faults: { ...calls.faults },
      };
    }
    return report;
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
