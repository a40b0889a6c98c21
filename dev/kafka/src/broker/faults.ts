// Faults injected through the control API: the next N requests of an API key are delayed or answered with
// an error code.
export type Fault = { apiKey: number; count: number; errorCode?: number; delayMs?: number };

export class FaultInjector {
  private readonly faults = new Map<number, Fault[]>();

  add(fault: Fault): void {
    const list = this.faults.get(fault.apiKey) ?? [];
    list.push({ ...fault });
    this.faults.set(fault.apiKey, list);
  }

  /** Takes one use of the oldest fault armed for this API key. */
  take(apiKey: number): { errorCode?: number; delayMs?: number } | null {
    const list = this.faults.get(apiKey);
    const fault = list?.[0];
    if (!list || !fault) return null;
    fault.count--;
    if (fault.count <= 0) list.shift();
    if (list.length === 0) this.faults.delete(apiKey);
    return { errorCode: fault.errorCode, delayMs: fault.delayMs };
  }

  clear(): void {
    this.faults.clear();
  }

  list(): Fault[] {
    return [...this.faults.values()].flat();
  }
}
