import { describe, expect, it } from '@jest/globals';
import { DigitError, RequestCutter, bulkBatches, bulkCreateThenFind } from '../src/index.ts';

const unknownOutcome = () =>
  new DigitError({
    service: 'project',
    endpoint: '/health-project/staff/v1/bulk/_create',
    status: 504,
    code: 'GATEWAY_TIMEOUT',
    message: 'upstream timed out',
    retryable: true,
    outcomeUnknown: true,
  });

describe('bulk batches', () => {
  it('hold at most the configured items and stay under the byte limit', () => {
    const items = Array.from({ length: 250 }, (_, index) => ({ id: index, pad: 'x'.repeat(90) }));
    expect(bulkBatches(items, 100).map((batch) => batch.length)).toEqual([100, 100, 50]);
    const small = bulkBatches(items, 1000, 1000);
    expect(small.every((batch) => Buffer.byteLength(JSON.stringify(batch)) <= 1000 + batch.length)).toBe(
      true,
    );
    expect(small.flat()).toEqual(items);
    // An item larger than the limit still travels, alone.
    expect(bulkBatches([{ big: 'y'.repeat(50) }, { id: 1 }], 10, 20)).toHaveLength(2);
  });
  it('measure what goes into the request when it is not the item itself', () => {
    const rows = Array.from({ length: 6 }, (_, index) => ({ index, notes: 'n'.repeat(500) }));
    const sent = (row: { index: number }) => ({ code: `B${row.index}` });
    expect(bulkBatches(rows, 10, 100, sent).map((batch) => batch.length)).toEqual([6]);
    expect(bulkBatches(rows, 10, 100).map((batch) => batch.length)).toEqual([1, 1, 1, 1, 1, 1]);
  });
});

describe('cutting items into requests', () => {
  it('begins a run at the first item, and again when the next would pass the items or the bytes', () => {
    const cutter = new RequestCutter(3, 100);
    // 40 + 40 fit; 30 more would be 110 bytes. Then three small items fill a run by count.
    const begins = [40, 40, 30, 10, 10, 10, 10, 100, 1].map((bytes) => cutter.begins(bytes));
    expect(begins).toEqual([true, false, true, false, false, true, false, true, true]);
  });
});

describe('a bulk create learned by search', () => {
  it('finds what DIGIT saved, late or not, and names what it dropped', async () => {
    const saved = new Map<string, string>();
    const sent: string[][] = [];
    const result = await bulkCreateThenFind({
      items: ['a', 'b', 'c', 'bad'],
      key: (item) => item,
      batchSize: 3,
      saved: (item) => item,
      consistencyMs: 400,
      send: async (batch) => {
        sent.push(batch);
        // Saved after a delay, as DIGIT's persister does; the invalid item is dropped without a word.
        setTimeout(() => {
          for (const item of batch) if (item !== 'bad') saved.set(item, `id-${item}`);
        }, 120);
      },
      search: async (pending) =>
        new Map(pending.flatMap((item) => (saved.has(item) ? [[item, saved.get(item) as string]] : []))),
    });
    expect(sent).toEqual([['a', 'b', 'c'], ['bad']]);
    expect(result.found.sort()).toEqual([
      ['a', 'id-a'],
      ['b', 'id-b'],
      ['c', 'id-c'],
    ]);
    expect(result.missing).toEqual(['bad']);
  });

  it('never sends a batch again when its answer is lost: the search tells what was saved', async () => {
    const saved = new Set<string>();
    let sends = 0;
    const unknown: string[][] = [];
    const result = await bulkCreateThenFind({
      items: ['a', 'b'],
      key: (item) => item,
      batchSize: 10,
      saved: (item) => item,
      consistencyMs: 100,
      send: async (batch) => {
        sends++;
        batch.forEach((item) => saved.add(item));
        throw unknownOutcome();
      },
      search: async (pending) =>
        new Map(pending.filter((item) => saved.has(item)).map((item) => [item, item])),
      onUnknown: (_error, batch) => unknown.push(batch),
    });
    expect(sends).toBe(1);
    expect(unknown).toEqual([['a', 'b']]);
    expect(result).toEqual({
      found: [
        ['a', 'a'],
        ['b', 'b'],
      ],
      missing: [],
    });
  });

  it('sends again, in bulk, only the items of a lost batch that DIGIT did not save', async () => {
    const saved = new Set<string>();
    const sent: string[][] = [];
    const result = await bulkCreateThenFind({
      items: ['a', 'b', 'c', 'd', 'bad'],
      key: (item) => item,
      batchSize: 2,
      saved: (item) => item,
      consistencyMs: 100,
      send: async (batch) => {
        sent.push(batch);
        if (sent.length === 1) {
          // Applied, then the answer was lost.
          batch.forEach((item) => saved.add(item));
          throw unknownOutcome();
        }
        // Never reached DIGIT.
        if (sent.length === 2) throw unknownOutcome();
        batch.filter((item) => item !== 'bad').forEach((item) => saved.add(item));
      },
      search: async (pending) =>
        new Map(pending.filter((item) => saved.has(item)).map((item) => [item, item])),
    });
    expect(sent).toEqual([['a', 'b'], ['c', 'd'], ['bad'], ['c', 'd']]);
    expect(result.found.map(([item]) => item).sort()).toEqual(['a', 'b', 'c', 'd']);
    // An accepted batch's missing item is the caller's to settle, never resent in bulk.
    expect(result.missing).toEqual(['bad']);
  });

  it('leaves to the caller the items whose outcome stays unknown through every round', async () => {
    let sends = 0;
    const result = await bulkCreateThenFind({
      items: ['a', 'b'],
      key: (item) => item,
      batchSize: 10,
      saved: (item) => item,
      consistencyMs: 20,
      maxRounds: 2,
      send: async () => {
        sends++;
        throw unknownOutcome();
      },
      search: async () => new Map<string, string>(),
    });
    expect(sends).toBe(2);
    expect(result).toEqual({ found: [], missing: ['a', 'b'] });
  });

  it('lets a refusal of the whole request through', async () => {
    await expect(
      bulkCreateThenFind({
        items: ['a'],
        key: (item) => item,
        batchSize: 10,
        saved: (item) => item,
        consistencyMs: 0,
        send: async () => {
          throw new Error('400 EVENT_BUS_FAILURE');
        },
        search: async () => new Map(),
      }),
    ).rejects.toThrow('EVENT_BUS_FAILURE');
  });
});
