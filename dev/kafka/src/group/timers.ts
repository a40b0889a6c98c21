// The clock the group coordinator runs on; tests substitute a manual one.
export type TimerHandle = { cancel(): void };

export type Timers = {
  now(): number;
  schedule(fn: () => void, delayMs: number): TimerHandle;
};

export const realTimers: Timers = {
  now: () => Date.now(),
  schedule(fn, delayMs) {
    const t = setTimeout(fn, Math.max(0, delayMs));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};
