// A clock for state-machine tests: time moves only when the test advances it.
import type { TimerHandle, Timers } from '../../src/group/timers.ts';

type Scheduled = { at: number; fn: () => void; cancelled: boolean };

export class ManualTimers implements Timers {
  private time = 1_000_000;
  private scheduled: Scheduled[] = [];

  /**
   * `earlyMs` makes timers of more than a millisecond fire that much before the clock reaches their due
   * time, as Node's timers may against Date.now(), whose milliseconds are rounded differently.
   */
  private readonly earlyMs: number;

  /** `msPerRead` moves the clock on by that much at each read, as a real clock moves during work. */
  private readonly msPerRead: number;

  constructor(options: { earlyMs?: number; msPerRead?: number } = {}) {
    this.earlyMs = options.earlyMs ?? 0;
    this.msPerRead = options.msPerRead ?? 0;
  }

  now(): number {
    const read = this.time;
    this.time += this.msPerRead;
    return read;
  }

  schedule(fn: () => void, delayMs: number): TimerHandle {
    const delay = Math.max(0, delayMs);
    const early = delay > 1 ? Math.min(this.earlyMs, delay - 1) : 0;
    const entry: Scheduled = { at: this.time + delay - early, fn, cancelled: false };
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
    this.time = Math.max(this.time, target);
  }
}
