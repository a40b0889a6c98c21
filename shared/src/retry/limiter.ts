export interface ConcurrencyLimiterOptions {
  /**
   * Work asked for in one turn of the event loop starts by priority, once the turn is over, rather than
   * in the order it was asked for while places were free: for work that arrives together (the batches of
   * one fetch) and whose order matters more than a turn's delay.
   */
  gatherEachTurn?: boolean;
}

/**
 * Bounds how many calls run at once; the rest wait, the lowest priority first and, among equals, in
 * arrival order.
 */
export class ConcurrencyLimiter {
  readonly #limit: number;
  readonly #gatherEachTurn: boolean;
  #active = 0;
  #startScheduled = false;
  readonly #waiting: { priority: number; start: () => void }[] = [];

  constructor(limit: number, options: ConcurrencyLimiterOptions = {}) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`concurrency limit must be >= 1, got ${limit}`);
    this.#limit = limit;
    this.#gatherEachTurn = options.gatherEachTurn ?? false;
  }

  get active(): number {
    return this.#active;
  }

  async run<T>(work: () => Promise<T>, priority = 0): Promise<T> {
    if (this.#gatherEachTurn || this.#active >= this.#limit) {
      await new Promise<void>((start) => {
        // After the waiting calls of the same or a lower priority (at the end at once when all are equal).
        let at = this.#waiting.length;
        while (at > 0 && (this.#waiting[at - 1]?.priority ?? 0) > priority) at--;
        this.#waiting.splice(at, 0, { priority, start });
        if (this.#gatherEachTurn) this.#startAfterThisTurn();
      });
    } else this.#active++;
    try {
      return await work();
    } finally {
      this.#active--;
      this.#startWaiting();
    }
  }

  /** Gives the free places to the waiting calls; a place is taken when given, before its call resumes. */
  #startWaiting(): void {
    while (this.#active < this.#limit) {
      const next = this.#waiting.shift();
      if (!next) return;
      this.#active++;
      next.start();
    }
  }

  #startAfterThisTurn(): void {
    if (this.#startScheduled) return;
    this.#startScheduled = true;
    setImmediate(() => {
      this.#startScheduled = false;
      this.#startWaiting();
    });
  }
}
