import { describe, expect, it } from '@jest/globals';
import { chunkOfStepCommandKey, commandProblem, stepCommandKey, type StepCommand } from '../src/index.ts';

const command: StepCommand = {
  commandId: 'c',
  campaignId: '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
  tenantId: 'mz',
  step: 'user-creation',
  attempt: 1,
  chunk: { index: 0, count: 3 },
  issuedAt: 0,
};

describe('step commands read from a topic', () => {
  it('are accepted when every field is in range', () => {
    expect(commandProblem(command, 'user-creation')).toBeNull();
  });

  it.each([
    [{ campaignId: 'not-a-uuid' }, /campaignId "not-a-uuid" is not a UUID/],
    [{ step: 'facility-mapping' }, /does not belong on the user-creation topic/],
    [{ chunk: { index: -1, count: 3 } }, /chunk -1 of 3 is out of range/],
    [{ chunk: { index: 0, count: 0 } }, /out of range/],
    [{ attempt: 0 }, /attempt 0 is not positive/],
  ])('are poison when a field is not: %j', (change, reason) => {
    expect(commandProblem({ ...command, ...change } as StepCommand, 'user-creation')).toMatch(reason);
  });
});

describe('step command keys', () => {
  it('name the chunk a worker takes first when chunks wait', () => {
    expect(chunkOfStepCommandKey(Buffer.from(stepCommandKey(command.campaignId, 17)))).toBe(17);
    expect(chunkOfStepCommandKey(Buffer.from(stepCommandKey(command.campaignId, 0)))).toBe(0);
  });

  it.each([
    null,
    '',
    'no-chunk',
    `${command.campaignId}:`,
    `${command.campaignId}:-3`,
    `${command.campaignId}:1.5`,
  ])('put a key naming no chunk first: %j', (key) => {
    expect(chunkOfStepCommandKey(key === null ? null : Buffer.from(key))).toBe(-1);
  });
});
