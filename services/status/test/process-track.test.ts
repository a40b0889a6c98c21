import { describe, expect, it } from '@jest/globals';
import { campaignProcesses, processTrack, type StepRow } from '../src/domain/process-track.ts';
import { statusSummary } from '../src/domain/status-summary.ts';
import { tenantIncludes } from '../src/domain/tenants.ts';

const step = (name: string, status: StepRow['status'], at: number): StepRow => ({
  step: name,
  status,
  createdTime: at,
  lastModifiedTime: at + 5,
});

const running: StepRow[] = [
  step('user-mapping', 'pending', 40),
  step('project-creation', 'completed', 10),
  step('facility-creation', 'skipped', 11),
  step('user-creation', 'failed', 12),
  step('facility-mapping', 'started', 30),
  step('product-mapping', 'pending', 40),
  step('end', 'pending', 50),
];

describe('campaign status in project-factory terms', () => {
  it('names each step as its process, in flow order, done when completed or skipped; end is not a process', () => {
    const processes = campaignProcesses(running, 'u-1');
    expect(processes.map((process) => [process.processname, process.status])).toEqual([
      ['CAMPAIGN_PROJECT_CREATION_PROCESS', 'completed'],
      ['CAMPAIGN_FACILITY_CREATION_PROCESS', 'completed'],
      ['CAMPAIGN_USER_CREATION_PROCESS', 'failed'],
      ['CAMPAIGN_FACILITY_MAPPING_PROCESS', 'pending'],
      ['CAMPAIGN_USER_MAPPING_PROCESS', 'pending'],
      ['CAMPAIGN_RESOURCE_MAPPING_PROCESS', 'pending'],
    ]);
    expect(processes[0]?.auditDetails).toEqual({
      createdBy: 'u-1',
      lastModifiedBy: 'u-1',
      createdTime: 10,
      lastModifiedTime: 15,
    });
  });

  it('counts rows per type and state, mapping states under the mapped type', () => {
    expect(
      statusSummary([
        { entity: 'boundary', kind: null, done: true, is_active: true, count: 7 },
        { entity: 'user', kind: null, done: false, is_active: true, count: 2 },
        { entity: 'user', kind: null, done: true, is_active: false, count: 1 },
        { entity: 'mapping', kind: 'staff', done: true, is_active: true, count: 4 },
        { entity: 'mapping', kind: 'staff', done: false, is_active: false, count: 1 },
        { entity: 'mapping', kind: 'resource', done: false, is_active: true, count: 3 },
      ]),
    ).toEqual({
      boundary: { completed: 7 },
      user: { pending: 2, completed: 1, mapped: 4, toBeDeMapped: 1 },
      resource: { toBeMapped: 3 },
    });
  });
});

describe('process track', () => {
  const campaign = {
    id: 'c-1',
    status: 'failed',
    createdTime: 1,
    lastError: { code: 'HRMS', message: 'down' },
  };

  it('shows validation, every step by its track type and status, and the error of a failed campaign', () => {
    const track = processTrack(campaign, running);
    expect(track.map((entry) => [entry.type, entry.status, entry.showInUi])).toEqual([
      ['validation', 'completed', false],
      ['target-and-delivery-rules-creation', 'completed', true],
      ['facility-creation', 'completed', true],
      ['staff-creation', 'failed', true],
      ['facility-mapping', 'inprogress', true],
      ['staff-mapping', 'toBeCompleted', true],
      ['resource-mapping', 'toBeCompleted', true],
      ['campaign-creation', 'toBeCompleted', true],
      ['error', 'failed', true],
    ]);
    expect(track.at(-1)).toMatchObject({
      campaignId: 'c-1',
      lastModifiedTime: 55,
      details: { error: 'down' },
    });
  });

  it('is empty for a draft and ends with campaign-creation completed for a created campaign', () => {
    expect(processTrack({ ...campaign, status: 'drafted' }, [])).toEqual([]);
    const done = processTrack({ ...campaign, status: 'created', lastError: null }, [
      step('end', 'completed', 9),
    ]);
    expect(done.map((entry) => [entry.type, entry.status])).toEqual([
      ['validation', 'completed'],
      ['campaign-creation', 'completed'],
    ]);
  });
});

describe('tenants', () => {
  it('resolves a state-level tenant to its cities, never a city to another city or its state', () => {
    expect(tenantIncludes('mz', 'mz')).toBe(true);
    expect(tenantIncludes('mz', 'mz.maputo')).toBe(true);
    expect(tenantIncludes('mz.maputo', 'mz.maputo')).toBe(true);
    expect(tenantIncludes('mz.maputo', 'mz')).toBe(false);
    expect(tenantIncludes('mz.beira', 'mz.maputo')).toBe(false);
    expect(tenantIncludes('m', 'mz.maputo')).toBe(false);
  });
});
