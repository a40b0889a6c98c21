import { describe, expect, it } from '@jest/globals';
import { CHART_DIR, helm } from './support/tools.ts';

describe('helm chart', () => {
  it('passes helm lint --strict', async () => {
    const result = await helm(['lint', '--strict', CHART_DIR]);
    expect(result.stderr + result.stdout).toContain('0 chart(s) failed');
    expect(result.code).toBe(0);
  });
});
