import { describe, expect, it } from '@jest/globals';
import { DigitError, OutcomeStillUnknownError, createOnce } from '../src/index.ts';

// DIGIT as a map of what exists, and a create that applies the write and may lose its answer.
function fakeDigit(options: { loseAnswers?: number; rejectWith?: DigitError } = {}) {
  const held = new Map<string, string>();
  let lose = options.loseAnswers ?? 0;
  const calls = { create: 0, search: 0, sent: [] as string[][] };
  return {
    held,
    calls,
    create: async (items: string[]) => {
      calls.create++;
      calls.sent.push([...items]);
      if (options.rejectWith) throw options.rejectWith;
      for (const item of items) if (!held.has(item)) held.set(item, `id-${item}-${held.size}`);
      if (lose > 0) {
        lose--;
        throw new DigitError({
          service: 'project',
          endpoint: '/x/_create',
          status: null,
          code: 'ECONNRESET',
          message: 'socket hang up',
          retryable: true,
          outcomeUnknown: true,
        });
      }
      return new Map(items.map((item) => [item, held.get(item) as string]));
    },
    search: async (items: string[]) => {
      calls.search++;
      return new Map(items.flatMap((item) => (held.has(item) ? [[item, held.get(item) as string]] : [])));
    },
  };
}

const base = { what: 'projects', key: (item: string) => item, consistencyMs: 1 };

describe('createOnce', () => {
  it('creates once and searches nothing when the answer comes', async () => {
    const digit = fakeDigit();
    const result = await createOnce({
      ...base,
      items: ['a', 'b'],
      create: digit.create,
      search: digit.search,
    });
    expect(result.created.map(([item]) => item)).toEqual(['a', 'b']);
    expect(result.adopted).toEqual([]);
    expect(digit.calls).toMatchObject({ create: 1, search: 0 });
  });

  it('adopts what a lost answer created, by search, and never sends that create again', async () => {
    const digit = fakeDigit({ loseAnswers: 1 });
    const result = await createOnce({
      ...base,
      items: ['a', 'b'],
      create: digit.create,
      search: digit.search,
    });
    expect(result.adopted.map(([item, id]) => [item, id])).toEqual([
      ['a', 'id-a-0'],
      ['b', 'id-b-1'],
    ]);
    expect(digit.calls.create).toBe(1);
    expect(digit.held.size).toBe(2);
  });

  it('creates again only the items a search does not find', async () => {
    const digit = fakeDigit({ loseAnswers: 1 });
    // The lost create applied only "a" (a batch DIGIT applied in part before the connection dropped).
    const create = async (items: string[]) => digit.create(digit.calls.create === 0 ? ['a'] : items);
    const result = await createOnce({ ...base, items: ['a', 'b', 'c'], create, search: digit.search });
    expect(result.adopted.map(([item]) => item)).toEqual(['a']);
    expect(result.created.map(([item]) => item)).toEqual(['b', 'c']);
    expect(digit.calls.sent).toEqual([['a'], ['b', 'c']]);
  });

  it('treats an item missing from the answer as unknown and looks for it', async () => {
    const digit = fakeDigit();
    const create = async (items: string[]) => {
      const answer = await digit.create(items);
      answer.delete('b');
      return answer;
    };
    const result = await createOnce({ ...base, items: ['a', 'b'], create, search: digit.search });
    expect(result.created.map(([item]) => item)).toEqual(['a']);
    expect(result.adopted.map(([item]) => item)).toEqual(['b']);
  });

  it('gives up, retryable, when the outcome stays unknown for its rounds', async () => {
    const lost = new DigitError({
      service: 'project',
      endpoint: '/x/_create',
      status: 504,
      code: 'GATEWAY_TIMEOUT',
      message: 'gateway timeout',
      retryable: true,
      outcomeUnknown: true,
    });
    const digit = fakeDigit({ rejectWith: lost });
    const failure = await createOnce({
      ...base,
      items: ['a'],
      create: digit.create,
      search: digit.search,
      maxRounds: 2,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OutcomeStillUnknownError);
    expect((failure as OutcomeStillUnknownError).retryable).toBe(true);
    expect(digit.calls).toMatchObject({ create: 2, search: 2 });
  });

  it('throws a rejection at once, without searching', async () => {
    const rejected = new DigitError({
      service: 'project',
      endpoint: '/x/_create',
      status: 400,
      code: 'INVALID_BOUNDARY',
      message: 'no such boundary',
      retryable: false,
    });
    const digit = fakeDigit({ rejectWith: rejected });
    await expect(
      createOnce({ ...base, items: ['a'], create: digit.create, search: digit.search }),
    ).rejects.toBe(rejected);
    expect(digit.calls.search).toBe(0);
  });
});
