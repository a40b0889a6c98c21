/**
 * Bounds how many calls run at once; the rest wait, the lowest priority first and, among equals, in
 * arrival order.
 */
export class ConcurrencyLimiter {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: { priority: number; start: () => void }[] = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`concurrency limit must be >= 1, got ${limit}`);
    this.#limit = limit;
  }

  get active(): number {
    return this.#active;
  }

  async run<T>(work: () => Promise<T>, priority = 0): Promise<T> {
    if (this.#active >= this.#limit) {
      await new Promise<void>((start) => {
        // After the waiting calls of the same or a lower priority (at the end at once when all are equal).
        let at = this.#waiting.length;
        while (at > 0 && (this.#waiting[at - 1]?.priority ?? 0) > priority) at--;
        this.#waiting.splice(at, 0, { priority, start });
      });
    }
    this.#active++;
    try {
      return await work();
    } finally {
      this.#active--;
      this.#waiting.shift()?.start();
    }
  }
}
