import { describe, expect, it } from '@jest/globals';
import { ConcurrencyLimiter, backoffDelay, sleepUntil } from '../src/index.ts';

describe('backoff', () => {
  it('doubles the window per attempt up to the cap', () => {
    const policy = { baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, policy, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('spreads delays over the whole window (full jitter)', () => {
    expect(backoffDelay(3, { baseMs: 100, maxMs: 1000 }, () => 0)).toBe(0);
    expect(backoffDelay(3, { baseMs: 100, maxMs: 1000 }, () => 0.5)).toBe(200);
  });
});

describe('sleep until', () => {
  it('never returns before the clock reads the time asked for', async () => {
    let early = 0;
    for (let round = 0; round < 300; round++) {
      const until = Date.now() + 1 + (round % 3);
      // Work between reading the clock and arming the timer, as a busy event loop has: the timer then
      // counts from a cached time older than the clock, and a plain timer fires early now and then.
      let spin = 0;
      for (let step = 0; step < (round % 7) * 20_000; step++) spin += step;
      expect(spin).toBeGreaterThanOrEqual(0);
      await sleepUntil(until);
      if (Date.now() < until) early++;
    }
    expect(early).toBe(0);
  });
});

describe('concurrency limiter', () => {
  it('never runs more than its limit at once and runs everything', async () => {
    const limiter = new ConcurrencyLimiter(3);
    let running = 0;
    let highest = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        limiter.run(async () => {
          running++;
          highest = Math.max(highest, running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running--;
          return index;
        }),
      ),
    );
    expect(highest).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, index) => index));
  });

  it('starts the waiting work of the lowest priority first, equals in arrival order', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const started: string[] = [];
    let release = () => {};
    const first = limiter.run(() => new Promise<void>((resolve) => (release = resolve)));
    const waiting = (
      [
        ['chunk 9', 9],
        ['chunk 2', 2],
        ['chunk 5', 5],
        ['chunk 2 again', 2],
        ['chunk 0', 0],
      ] as const
    ).map(([name, priority]) => limiter.run(async () => void started.push(name), priority));
    release();
    await Promise.all([first, ...waiting]);
    expect(started).toEqual(['chunk 0', 'chunk 2', 'chunk 2 again', 'chunk 5', 'chunk 9']);
  });

  it('ranks the work asked for in one turn by priority when it gathers each turn', async () => {
    const limiter = new ConcurrencyLimiter(2, { gatherEachTurn: true });
    const started: number[] = [];
    const finished = [7, 3, 9, 1, 5].map((priority) =>
      limiter.run(async () => {
        started.push(priority);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }, priority),
    );
    await Promise.all(finished);
    expect(started).toEqual([1, 3, 5, 7, 9]);
    expect(limiter.active).toBe(0);
  });

  it('runs work by the places it takes: never more than the limit, in order, a large run alone', async () => {
    const limiter = new ConcurrencyLimiter(5000);
    expect(limiter.limit).toBe(5000);
    let held = 0;
    const seen: { employees: number; besides: number }[] = [];
    const batch = (employees: number) =>
      limiter.run(
        async () => {
          seen.push({ employees, besides: held });
          held += employees;
          await new Promise((resolve) => setTimeout(resolve, 5));
          held -= employees;
        },
        0,
        employees,
      );
    await Promise.all([2300, 2300, 2400, 100, 9000, 50].map(batch));
    expect(seen).toEqual([
      { employees: 2300, besides: 0 },
      { employees: 2300, besides: 2300 },
      // The 100 waits behind the 2,400 although it would fit beside the first two.
      { employees: 2400, besides: 2300 },
      { employees: 100, besides: 4700 },
      { employees: 9000, besides: 0 },
      { employees: 50, besides: 0 },
    ]);
    expect(limiter.active).toBe(0);
  });

  it('frees its slot when work fails', async () => {
    const limiter = new ConcurrencyLimiter(1);
    await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
  });
});
