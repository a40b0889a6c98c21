import { describe, expect, it } from '@jest/globals';

import { fuzzSheetReader } from '../../bench/sheet-fuzz.ts';

// The sheet reader under random damage, with a fixed seed: `npm run bench -- fuzz` runs the same
// properties many more times with a new seed each time.
describe('the sheet reader under random input', () => {
  it('always ends with a summary of known errors and stays within its memory budget', async () => {
    const report = await fuzzSheetReader(150, 16);
    expect(report.failures).toEqual([]);
    expect(report.tried).toBe(300);
  });
});
