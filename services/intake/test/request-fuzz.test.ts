import { describe, expect, it } from '@jest/globals';
import { fuzzCreateRoute } from '../bench/request-fuzz.ts';

// The create route under random bodies, with a fixed seed: `npm run bench -- fuzz` runs the same
// properties many more times with a new seed each time.
describe('the create route under random bodies', () => {
  it('answers every body, JSON or not, with a 2xx or 4xx, never a 5xx', async () => {
    const report = await fuzzCreateRoute(250, 16);
    expect(report.failures).toEqual([]);
    expect(report.tried).toBe(500);
  });
});
