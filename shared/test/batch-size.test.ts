import { describe, expect, it } from '@jest/globals';
import { AnsweredBatchSize, DigitError } from '../src/index.ts';

const sizes = () => new AnsweredBatchSize({ initial: 100, max: 4000, targetMs: 5000 });

/** Whether the promise has settled once pending callbacks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('batch size from answer times', () => {
  it('sends one first batch and holds the other callers until its answer sizes theirs', async () => {
    const batchSize = sizes();
    expect(await batchSize.next()).toBe(100);
    const second = batchSize.next();
    const third = batchSize.next();
    expect(await settled(second)).toBe(false);

    // 100 employees in 2 s: 20 ms each, so 250 are answered within the 5 s aimed at.
    batchSize.answered(100, 2000);
    expect(await second).toBe(250);
    expect(await third).toBe(250);
  });

  it('grows to the largest batch allowed when DIGIT answers fast, and never beyond it', async () => {
    const batchSize = sizes();
    await batchSize.next();
    batchSize.answered(100, 120);
    expect(await batchSize.next()).toBe(4000);
    batchSize.answered(4000, 0);
    expect(await batchSize.next()).toBe(4000);
  });

  it('weighs the latest answer half, so a slower DIGIT shrinks the batches', async () => {
    const batchSize = sizes();
    await batchSize.next();
    batchSize.answered(100, 1000); // 10 ms an employee
    expect(await batchSize.next()).toBe(500);
    batchSize.answered(500, 15_000); // 30 ms an employee: 20 ms on average
    expect(await batchSize.next()).toBe(250);
  });

  it('cuts the batches to the target share of the timeout after an answer that did not come in time', async () => {
    const batchSize = sizes();
    await batchSize.next();
    batchSize.answered(100, 500); // 5 ms an employee: 1,000 a batch
    expect(await batchSize.next()).toBe(1000);
    batchSize.unanswered(1000, 15_000); // at least 15 ms an employee
    expect(await batchSize.next()).toBe(333);
  });

  it('lets a waiting caller send the first batch when the first one is refused', async () => {
    const batchSize = sizes();
    await batchSize.next();
    const waiting = batchSize.next();
    batchSize.failed();
    expect(await waiting).toBe(100);
    const after = batchSize.next();
    expect(await settled(after)).toBe(false);
    batchSize.answered(100, 1000);
    expect(await after).toBe(500);
  });

  it('learns from the creates it runs: their answer times, and a create cut off by its timeout', async () => {
    const batchSize = sizes();
    await batchSize.next();
    expect(await batchSize.measure(100, 15_000, async () => ({ value: 'answer', ms: 500 }))).toBe('answer');
    expect(await batchSize.next()).toBe(1000);
    const timedOut = new DigitError({
      service: 'hrms',
      endpoint: '/health-hrms/employees/_create',
      status: null,
      code: 'ECONNABORTED',
      message: 'timeout of 15000ms exceeded',
      retryable: true,
      outcomeUnknown: true,
    });
    await expect(
      batchSize.measure(1000, 15_000, async () => {
        throw timedOut;
      }),
    ).rejects.toBe(timedOut);
    expect(await batchSize.next()).toBe(333);
  });

  it('keeps what it learned when a later batch is refused', async () => {
    const batchSize = sizes();
    await batchSize.next();
    batchSize.answered(100, 1000);
    batchSize.failed();
    expect(await batchSize.next()).toBe(500);
  });
});
