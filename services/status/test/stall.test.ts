import { describe, expect, it } from '@jest/globals';
import { findStalls, workerOfStep } from '../src/domain/stall.ts';

const now = new Date('2026-12-01T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('stalled steps', () => {
  it('reports a started step silent for the stall time, naming the worker it waits for', () => {
    const stalls = findStalls(
      [
        { campaignId: 'c1', flow: 'parallel', step: 'user-mapping', lastActivityAt: ago(301_000) },
        { campaignId: 'c1', flow: 'parallel', step: 'user-creation', lastActivityAt: ago(10_000) },
      ],
      now,
      300_000,
    );
    expect(stalls).toEqual([
      {
        campaignId: 'c1',
        step: 'user-mapping',
        waitingOn: 'mapping-sync',
        since: ago(301_000),
        silentForMs: 301_000,
      },
    ]);
  });

  it('does not report a step that changed within the stall time', () => {
    expect(
      findStalls(
        [{ campaignId: 'c1', flow: 'parallel', step: 'facility-creation', lastActivityAt: ago(299_999) }],
        now,
        300_000,
      ),
    ).toEqual([]);
  });

  it('does not report a step waiting for the chunks of the step it follows while those move', () => {
    const activity = [
      { campaignId: 'c1', flow: 'parallel', step: 'product-mapping', lastActivityAt: ago(400_000) },
      { campaignId: 'c1', flow: 'parallel', step: 'project-creation', lastActivityAt: ago(5_000) },
    ];
    expect(findStalls(activity, now, 300_000)).toEqual([]);
    // In the linear flow a mapping follows nothing: its own silence counts.
    const linear = activity.map((entry) => ({ ...entry, flow: 'linear' }));
    expect(findStalls(linear, now, 300_000).map((stall) => stall.step)).toEqual(['product-mapping']);
  });

  it('knows the worker of every step, whatever the flow', () => {
    expect(workerOfStep('project-creation')).toBe('project-sync');
    expect(workerOfStep('facility-creation')).toBe('facility-sync');
    expect(workerOfStep('user-creation')).toBe('user-sync');
    expect(workerOfStep('product-mapping')).toBe('mapping-sync');
    expect(workerOfStep('unknown-step')).toBeUndefined();
  });
});
