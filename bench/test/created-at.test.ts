import { describe, expect, it } from '@jest/globals';
import { createdAt } from '../src/campaign.ts';

describe('when a benched campaign was created', () => {
  it("is the end step's finish as the status service recorded it, not when the bench looked", () => {
    const steps = [
      { step: 'product-mapping', finishedAt: '2026-12-06T10:00:04.250Z' },
      { step: 'end', finishedAt: '2026-12-06T10:00:04.312Z' },
    ];
    expect(createdAt(steps)).toBe(Date.parse('2026-12-06T10:00:04.312Z'));
  });

  it('refuses a campaign whose end step has not finished', () => {
    expect(() => createdAt([{ step: 'end', finishedAt: null }])).toThrow(/no finished end step/);
  });
});
