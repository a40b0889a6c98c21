import { enqueueByOrder } from './ordered-queue.ts';

export interface ConcurrencyLimiterOptions {
  /**
   * Work asked for in one turn of the event loop starts by priority, once the turn is over, rather than
   * in the order it was asked for while places were free: for work that arrives together (the batches of
   * one fetch) and whose order matters more than a turn's delay.
   */
  gatherEachTurn?: boolean;
}

/**
 * Bounds how much work runs at once; the rest waits, the lowest priority first and, among equals, in
 * arrival order. A run takes one place, or as many as it asks for (the items it carries, when what it
 * holds in memory grows with them); one asking for more than the limit runs alone.
 */
export class ConcurrencyLimiter {
  readonly #limit: number;
  readonly #gatherEachTurn: boolean;
  #active = 0;
  #startScheduled = false;
  readonly #waiting: { order: number; places: number; start: () => void }[] = [];

  constructor(limit: number, options: ConcurrencyLimiterOptions = {}) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`concurrency limit must be >= 1, got ${limit}`);
    this.#limit = limit;
    this.#gatherEachTurn = options.gatherEachTurn ?? false;
  }

  /** Places in all: a run never takes more. */
  get limit(): number {
    return this.#limit;
  }

  /** Places taken by the work running. */
  get active(): number {
    return this.#active;
  }

  async run<T>(work: () => Promise<T>, priority = 0, places = 1): Promise<T> {
    const taken = Math.min(Math.max(1, Math.ceil(places)), this.#limit);
    // Behind work already waiting, even when this would fit: a large run is not passed over for ever.
    if (this.#gatherEachTurn || this.#waiting.length > 0 || this.#active + taken > this.#limit) {
      await new Promise<void>((start) => {
        enqueueByOrder(this.#waiting, { order: priority, places: taken, start });
        if (this.#gatherEachTurn) this.#startAfterThisTurn();
      });
    } else this.#active += taken;
    try {
      return await work();
    } finally {
      this.#active -= taken;
      this.#startWaiting();
    }
  }

  /**
   * Starts the waiting work, in its order, while the first of it fits; its places are taken when it is
   * started, before it resumes.
   */
  #startWaiting(): void {
    for (let next = this.#waiting[0]; next; next = this.#waiting[0]) {
      if (this.#active + next.places > this.#limit) return;
      this.#waiting.shift();
      this.#active += next.places;
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
