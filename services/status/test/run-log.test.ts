import { describe, expect, it } from '@jest/globals';
import type { Logger, RunObserver } from '@campaign-pipeline/shared';
import { loggingObserver, type HeldLines } from '../src/domain/run-log.ts';

describe("status's log of a step event's effects", () => {
  it('says which step and campaign finished only once the lines held are said, and still counts them', () => {
    const counted: string[] = [];
    const inner: RunObserver = {
      commandsDispatched: (step, count) => counted.push(`dispatched ${step} ${count}`),
      chunkFinished: (step, outcome) => counted.push(`chunk ${step} ${outcome}`),
      stepFinished: (step, outcome, seconds) => counted.push(`step ${step} ${outcome} ${seconds}`),
      campaignFinished: (outcome, seconds) => counted.push(`campaign ${outcome} ${seconds}`),
    };
    const said: Record<string, unknown>[] = [];
    const logger = {
      info: (fields: Record<string, unknown>, msg: string) => said.push({ ...fields, msg }),
    } as unknown as Logger;
    const held: HeldLines = [];

    const observer = loggingObserver(inner, logger, held);
    observer.commandsDispatched('user-mapping', 3);
    observer.chunkFinished('project-creation', 'COMPLETED');
    observer.stepFinished('project-creation', 'completed', 12.34567);
    observer.campaignFinished('created', 40.5);

    expect(counted).toEqual([
      'dispatched user-mapping 3',
      'chunk project-creation COMPLETED',
      'step project-creation completed 12.34567',
      'campaign created 40.5',
    ]);
    // Nothing is said before the transaction commits.
    expect(said).toEqual([]);
    for (const say of held) say();
    expect(said).toEqual([
      { finished: 'project-creation', outcome: 'completed', seconds: 12.346, msg: 'step finished' },
      { outcome: 'created', seconds: 40.5, msg: 'campaign finished' },
    ]);
  });
});
