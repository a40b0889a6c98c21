// How many items the next batch of a create carries when DIGIT's answer takes longer the more it carries
// (HRMS creates each employee's user in turn before it answers). Too small a batch spends a call's fixed
// cost on few items; too large a one is not answered before the client's timeout, and its outcome is then
// unknown. The batch is sized from the answers timed so far.
import { isAnswerLate } from './client.ts';

export interface AnsweredBatchSizeOptions {
  /** Items of the first batch, sent before any answer has been timed. */
  initial: number;
  /** Items of a batch at most. */
  max: number;
  /** How long a batch's answer should take: the sizes aim at it (a fraction of the client's timeout). */
  targetMs: number;
}

/**
 * The size of the next batch. The first batch has the initial size; callers that come while it is in
 * flight wait for its answer instead of each sending a first batch of their own. From then on a batch
 * carries what DIGIT answers within `targetMs` at its time per item, averaged over the answers so far
 * with the latest weighing half. A batch not answered within the timeout took at least that long for its
 * items, which cuts the next batches to the target's share of the timeout.
 */
export class AnsweredBatchSize {
  readonly #options: AnsweredBatchSizeOptions;
  #msPerItem: number | undefined;
  #firstAnswer: { promise: Promise<void>; settle: () => void } | undefined;

  constructor(options: AnsweredBatchSizeOptions) {
    this.#options = options;
  }

  /** Items the next batch carries; waits for the first batch's answer when it is in flight. */
  async next(): Promise<number> {
    while (this.#msPerItem === undefined) {
      if (!this.#firstAnswer) {
        let settle = () => {};
        const promise = new Promise<void>((resolve) => (settle = resolve));
        this.#firstAnswer = { promise, settle };
        return this.#clamp(this.#options.initial);
      }
      await this.#firstAnswer.promise;
    }
    return this.#clamp(Math.floor(this.#options.targetMs / this.#msPerItem));
  }

  /**
   * Runs the create of a batch of `items`, which answers with how long DIGIT took, and learns from it: its
   * time, or that it got no answer within `timeoutMs`; a create that failed otherwise lets callers waiting
   * for a first answer go on.
   */
  async measure<T>(
    items: number,
    timeoutMs: number,
    create: () => Promise<{ value: T; ms: number }>,
  ): Promise<T> {
    try {
      const { value, ms } = await create();
      this.answered(items, ms);
      return value;
    } catch (error) {
      if (isAnswerLate(error)) this.unanswered(items, timeoutMs);
      else this.failed();
      throw error;
    }
  }

  /** A batch of `items` was answered after `ms`. */
  answered(items: number, ms: number): void {
    this.#learn(Math.max(ms, 0) / Math.max(items, 1));
  }

  /** A batch of `items` got no answer within `timeoutMs`: its time per item was at least that share. */
  unanswered(items: number, timeoutMs: number): void {
    this.#msPerItem = Math.max(timeoutMs / Math.max(items, 1), this.#msPerItem ?? 0);
    this.#settleFirst();
  }

  /** A batch failed with an answer that times nothing (a refusal): whoever waits for a first answer goes on. */
  failed(): void {
    if (this.#msPerItem === undefined) this.#settleFirst();
  }

  #learn(msPerItem: number): void {
    this.#msPerItem = this.#msPerItem === undefined ? msPerItem : (this.#msPerItem + msPerItem) / 2;
    this.#settleFirst();
  }

  #settleFirst(): void {
    this.#firstAnswer?.settle();
    this.#firstAnswer = undefined;
  }

  #clamp(items: number): number {
    return Math.max(1, Math.min(this.#options.max, items));
  }
}
