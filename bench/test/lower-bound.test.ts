import { describe, expect, it } from '@jest/globals';
import { lowerBound, minimalCalls, type ServiceModel, type StepDemand } from '../src/lower-bound.ts';

const model: ServiceModel = { fixedMs: 20, perItemMs: 1, concurrency: 8 };
const models = { project: model, facility: model, hrms: model };

/** The README's worked example: 1 + 10 + 1,000 projects, 1,000 facilities, 2,000 users and their mappings. */
const demands: StepDemand[] = [
  {
    step: 'project-creation',
    service: 'project',
    phases: [
      [{ what: 'create', items: 1, batch: 100 }],
      [{ what: 'create', items: 10, batch: 100 }],
      [{ what: 'create', items: 1000, batch: 100 }],
    ],
  },
  { step: 'facility-creation', service: 'facility', phases: [[{ what: 'create', items: 1000, batch: 100 }]] },
  { step: 'user-creation', service: 'hrms', phases: [[{ what: 'create', items: 2000, batch: 100 }]] },
  { step: 'facility-mapping', service: 'project', phases: [[{ what: 'create', items: 1000, batch: 100 }]] },
  { step: 'user-mapping', service: 'project', phases: [[{ what: 'create', items: 2000, batch: 100 }]] },
  { step: 'product-mapping', service: 'project', phases: [[{ what: 'create', items: 1011, batch: 100 }]] },
];

describe('the lower bound of a campaign', () => {
  it('counts the fewest calls at the batch limit', () => {
    expect(minimalCalls({ what: 'create', items: 1011, batch: 100 })).toBe(11);
    expect(minimalCalls({ what: 'create', items: 0, batch: 100 })).toBe(0);
  });

  it('follows the flow step by step, and holds each DIGIT service to its concurrency across steps', () => {
    const bound = lowerBound('parallel', demands, models);
    const step = (name: string) => bound.steps.find((entry) => entry.step === name);
    // Project levels: one call of 21 ms; 10 items over 8 slots, a slot carrying 2 at least (22 ms); then
    // 10 calls (200 + 1,000 ms) over 8 slots.
    expect(step('project-creation')).toEqual({
      step: 'project-creation',
      startMs: 0,
      ms: 193,
      finishMs: 193,
    });
    // Mappings start when what they map exists; alone, user-mapping takes (20 × 20 + 2,000) / 8 = 300 ms.
    expect(step('user-mapping')).toMatchObject({ startMs: 300, ms: 300, finishMs: 600 });
    // Product mapping follows project creation chunk by chunk: it may start with it.
    expect(step('product-mapping')).toMatchObject({ startMs: 0, ms: (11 * 20 + 1011) / 8 });
    // The project service carries 1 + 1 + 10 + 10 + 20 + 11 calls: 1,060 ms + 5,022 ms of items over 8 slots.
    const project = bound.services.find((service) => service.service === 'project');
    expect(project).toEqual({
      service: 'project',
      calls: 53,
      busyMs: 53 * 20 + 5022,
      boundMs: (53 * 20 + 5022) / 8,
    });
    // Shared capacity binds here: 760.25 ms, more than the 600 ms of the longest path.
    expect(bound.ms).toBeCloseTo(760.25, 3);
  });

  it('prices a search by the call, and a slot never carries less than its share of the items', () => {
    const search = { what: 'search', items: 1000, batch: 100, perItem: false };
    const bound = lowerBound(
      'parallel',
      [{ step: 'facility-creation', service: 'facility', phases: [[search]] }],
      models,
    );
    expect(bound.steps.find((entry) => entry.step === 'facility-creation')?.ms).toBe((10 * 20) / 8);
    // Two large calls cannot use eight slots: the busiest carries at least 1,000 / 8 items.
    const big = { what: 'create', items: 1000, batch: 500 };
    const alone = lowerBound(
      'parallel',
      [{ step: 'user-creation', service: 'hrms', phases: [[big]] }],
      models,
    );
    expect(alone.steps.find((entry) => entry.step === 'user-creation')?.ms).toBe(20 + 125);
  });

  it('makes the linear flow wait for each step in turn', () => {
    const bound = lowerBound('linear', demands, models);
    expect(bound.ms).toBeCloseTo(193 + 150 + 300 + 150 + 300 + (11 * 20 + 1011) / 8, 3);
  });
});
