import { describe, expect, it } from '@jest/globals';
import { SEARCH_PAGE, allPages } from '../src/index.ts';

/** A search over `stored` that answers at most `pageMax` items a page, as DIGIT's project search does. */
function cappedSearch(stored: number[], pageMax: number, withTotal = true) {
  const offsets: number[] = [];
  const page = async (offset: number) => {
    offsets.push(offset);
    const items = stored.slice(offset, offset + Math.min(SEARCH_PAGE, pageMax));
    return withTotal ? { items, total: stored.length } : { items };
  };
  return { page, offsets };
}

describe('every page of a search', () => {
  it('is read although the service answers pages shorter than asked, until TotalCount is reached', async () => {
    const stored = Array.from({ length: 450 }, (_v, index) => index);
    const { page, offsets } = cappedSearch(stored, 200);
    expect(await allPages(page)).toEqual(stored);
    expect(offsets).toEqual([0, 200, 400]);
  });

  it('ends at a page shorter than asked when the answer has no TotalCount', async () => {
    const stored = Array.from({ length: SEARCH_PAGE + 5 }, (_v, index) => index);
    const { page, offsets } = cappedSearch(stored, SEARCH_PAGE, false);
    expect(await allPages(page)).toEqual(stored);
    expect(offsets).toEqual([0, SEARCH_PAGE]);
  });

  it('ends at an empty page even when TotalCount promised more', async () => {
    let calls = 0;
    const found = await allPages(async () => {
      calls++;
      return calls === 1 ? { items: ['a', 'b'], total: 5 } : { items: [], total: 5 };
    });
    expect(found).toEqual(['a', 'b']);
    expect(calls).toBe(2);
  });

  it('asks once when the first page holds everything', async () => {
    const { page, offsets } = cappedSearch([1, 2, 3], 200);
    expect(await allPages(page)).toEqual([1, 2, 3]);
    expect(offsets).toEqual([0]);
  });
});
