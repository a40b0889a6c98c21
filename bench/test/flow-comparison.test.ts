import { describe, expect, it } from '@jest/globals';
import { compareFlows, formatFlowComparison } from '../src/campaign.ts';

describe('the parallel flow against the linear flow', () => {
  // Both read their sheets in 2 s; the parallel flow then takes 4 s, the linear one 8 s.
  const parallel = { seconds: 6, intakeSeconds: 2 };
  const linear = { seconds: 10, intakeSeconds: 2 };

  it('compares the time from acceptance, which intake does not dilute, and the time end to end', () => {
    expect(compareFlows(parallel, linear)).toEqual({ fromAcceptance: 2, endToEnd: 10 / 6 });
  });

  it('prints both with the times they come from', () => {
    expect(formatFlowComparison(parallel, linear)).toBe(
      'parallel flow against the linear flow, same settings: 2.00x as fast from acceptance to creation ' +
        '(4.0 s against 8.0 s), 1.67x end to end (6.0 s against 10.0 s)',
    );
  });
});
