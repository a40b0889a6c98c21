// A clock for state-machine tests: time moves only when the test advances it.
import type { TimerHandle, Timers } from '../../src/group/timers.ts';

type Scheduled = { at: number; fn: () => void; cancelled: boolean };

export class ManualTimers implements Timers {
  private time = 1_000_000;
  private scheduled: Scheduled[] = [];

  now(): number {
    return this.time;
  }

  schedule(fn: () => void, delayMs: number): TimerHandle {
    const entry: Scheduled = { at: this.time + Math.max(0, delayMs), fn, cancelled: false };
    this.scheduled.push(entry);
    return { cancel: () => (entry.cancelled = true) };
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const due = this.scheduled.filter((s) => !s.cancelled && s.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.time = due.at;
      due.cancelled = true;
      due.fn();
    }
    this.scheduled = this.scheduled.filter((s) => !s.cancelled);
    this.time = target;
  }
}
