// Long-poll support for Fetch: a parked fetch wakes when one of its partitions gets data, when a group starts
// rebalancing (so consumers notice the rebalance quickly), or when its wait time runs out.
export type WakeReason = 'data' | 'timeout' | 'rebalance' | 'closed';

type Waiter = { keys: string[]; resolve: (reason: WakeReason) => void };

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class FetchWaiters {
  private readonly byPartition = new Map<string, Set<Waiter>>();
  private readonly all = new Set<Waiter>();

  park(keys: string[], timeoutMs: number): Promise<WakeReason> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish('timeout'), Math.max(0, timeoutMs));
      const waiter: Waiter = { keys, resolve: (reason) => finish(reason) };
      const finish = (reason: WakeReason): void => {
        clearTimeout(timer);
        if (!this.all.delete(waiter)) return;
        for (const k of keys) {
          const set = this.byPartition.get(k);
          set?.delete(waiter);
          if (set?.size === 0) this.byPartition.delete(k);
        }
        resolve(reason);
      };
      this.all.add(waiter);
      for (const k of keys) {
        let set = this.byPartition.get(k);
        if (!set) this.byPartition.set(k, (set = new Set()));
        set.add(waiter);
      }
    });
  }

  wake(topic: string, partition: number): void {
    const set = this.byPartition.get(partitionKey(topic, partition));
    if (set) for (const w of [...set]) w.resolve('data');
  }

  wakeAll(reason: WakeReason): void {
    for (const w of [...this.all]) w.resolve(reason);
  }

  get size(): number {
    return this.all.size;
  }
}
