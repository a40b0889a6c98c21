import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { campaignLogExcerpt } from '../src/campaign-log.ts';

const CAMPAIGN = '4f8960e6-163e-47f1-9352-5315e555ba69';
const OTHER = '0a4d55a8-d2b0-4f5a-a8f4-2c8c3e0e1f11';

describe('the log excerpt added to a wait for a campaign that timed out', () => {
  it("keeps each process's last lines of that campaign, shortened to where it stands", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'campaign-log-'));
    try {
      const line = (fields: Record<string, unknown>) => JSON.stringify({ level: 'info', ...fields });
      const project = Array.from({ length: 20 }, (_, index) =>
        line({
          time: `t${index}`,
          campaignId: CAMPAIGN,
          step: 'project-creation',
          chunk: index,
          msg: 'chunk started',
        }),
      );
      project.push(
        line({ time: 't20', campaignId: OTHER, msg: 'another campaign' }),
        line({
          time: 't21',
          level: 'warn',
          campaignId: CAMPAIGN,
          step: 'project-creation',
          chunk: 3,
          err: { type: 'DigitError', message: 'socket hang up', stack: 'DigitError: at ...' },
          msg: 'DIGIT call failed, retrying',
        }),
      );
      await writeFile(path.join(dir, 'project-sync.log'), `${project.join('\n')}\n`);
      await writeFile(path.join(dir, 'status.log'), `${line({ time: 't0', campaignId: OTHER, msg: 'x' })}\n`);

      const excerpt = await campaignLogExcerpt(
        [
          { instance: 'project-sync', logFile: path.join(dir, 'project-sync.log') },
          { instance: 'status', logFile: path.join(dir, 'status.log') },
          { instance: 'intake', logFile: path.join(dir, 'missing.log') },
        ],
        CAMPAIGN,
      );

      const lines = excerpt.split('\n');
      expect(lines[0]).toBe('project-sync, last 12 lines of the campaign:');
      expect(lines[1]).toBe('  t9 info chunk started step=project-creation chunk=9');
      expect(lines[12]).toBe(
        '  t21 warn DIGIT call failed, retrying step=project-creation chunk=3 err=DigitError: socket hang up',
      );
      expect(excerpt).not.toContain('another campaign');
      expect(excerpt).not.toContain('at ...');
      expect(lines[13]).toBe('status: no line of the campaign');
      expect(lines[14]).toMatch(/^intake: log unreadable \(ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
