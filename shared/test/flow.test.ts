import { describe, expect, it } from '@jest/globals';
import {
  LINEAR_FLOW,
  PARALLEL_FLOW,
  STEP_COMMAND_TOPICS,
  STEP_TOPICS,
  consumerGroup,
  isFlowComplete,
  readySteps,
  validateFlow,
  type Flow,
  type StepName,
  type StepStatus,
} from '../src/index.ts';

const statuses = (entries: [StepName, StepStatus][]) => new Map(entries);
const names = (flow: Flow, state: Map<StepName, StepStatus>) =>
  readySteps(flow, state).map((entry) => entry.step);

describe('process flow', () => {
  it('accepts both shipped flows', () => {
    expect(validateFlow(PARALLEL_FLOW)).toEqual([]);
    expect(validateFlow(LINEAR_FLOW)).toEqual([]);
  });

  it('starts the three creation steps together in the parallel flow', () => {
    expect(names(PARALLEL_FLOW, statuses([]))).toEqual([
      'project-creation',
      'facility-creation',
      'user-creation',
    ]);
  });

  it('starts a mapping once its entities are created and project creation has started', () => {
    const state = statuses([
      ['project-creation', 'started'],
      ['facility-creation', 'completed'],
      ['user-creation', 'started'],
    ]);
    // Each chunk then waits for the project chunks holding its boundaries (see the step plans).
    expect(names(PARALLEL_FLOW, state)).toEqual(['facility-mapping', 'product-mapping']);
    expect(names(PARALLEL_FLOW, statuses([['project-creation', 'pending']]))).not.toContain(
      'product-mapping',
    );
  });

  it('ends only once project creation is done, even when the mappings had nothing left', () => {
    const state = statuses([
      ['project-creation', 'started'],
      ['facility-creation', 'completed'],
      ['user-creation', 'completed'],
      ['facility-mapping', 'completed'],
      ['user-mapping', 'completed'],
      ['product-mapping', 'completed'],
    ]);
    expect(names(PARALLEL_FLOW, state)).toEqual([]);
    state.set('project-creation', 'completed');
    expect(names(PARALLEL_FLOW, state)).toEqual(['end']);
  });

  it('runs one step at a time in the linear flow', () => {
    expect(names(LINEAR_FLOW, statuses([]))).toEqual(['project-creation']);
    expect(names(LINEAR_FLOW, statuses([['project-creation', 'completed']]))).toEqual(['facility-creation']);
  });

  it('never re-offers a started, failed or completed step', () => {
    const state = statuses([
      ['project-creation', 'completed'],
      ['facility-creation', 'failed'],
      ['user-creation', 'started'],
    ]);
    expect(names(PARALLEL_FLOW, state)).toEqual(['product-mapping']);
  });

  it('is complete only when every step is completed or skipped', () => {
    const all = new Map(PARALLEL_FLOW.map((entry) => [entry.step, 'completed' as StepStatus]));
    expect(isFlowComplete(PARALLEL_FLOW, all)).toBe(true);
    all.set('end', 'pending');
    expect(isFlowComplete(PARALLEL_FLOW, all)).toBe(false);
  });

  it('reports cycles, unknown and missing steps', () => {
    const broken: Flow = [
      { step: 'project-creation', worker: 'project-sync', needs: ['end'] },
      { step: 'end', worker: 'status', needs: ['project-creation'] },
      { step: 'user-creation', worker: 'user-sync', needs: ['nothing' as StepName] },
      { step: 'user-mapping', worker: 'mapping-sync', needs: [], follows: 'nowhere' as StepName },
    ];
    const problems = validateFlow(broken);
    expect(problems).toContain('step facility-creation is missing');
    expect(problems).toContain('step user-creation needs unknown step nothing');
    expect(problems).toContain('step user-mapping follows unknown step nowhere');
    expect(problems.some((problem) => problem.startsWith('cycle: '))).toBe(true);
  });
});

describe('step topics and consumer groups', () => {
  it('give every step with a worker a topic of its own', () => {
    const topics = Object.values(STEP_TOPICS);
    expect(new Set(topics).size).toBe(topics.length);
    expect([...topics].sort()).toEqual([...STEP_COMMAND_TOPICS].sort());
    expect(STEP_TOPICS['facility-mapping']).toBe('campaign.step.mapping.facility');
  });

  it('name a group after the worker, and after the step too where one worker runs several steps', () => {
    expect(consumerGroup('user-sync', 'user-creation')).toBe('user-sync');
    expect(consumerGroup('mapping-sync', 'facility-mapping')).toBe('mapping-sync.facility-mapping');
    expect(consumerGroup('mapping-sync', 'product-mapping')).toBe('mapping-sync.product-mapping');
  });
});
