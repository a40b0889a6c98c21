import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { processName, takeCrashReports, type CrashReport } from '../src/lifecycle/crash-reports.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'crash-reports-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A Node process that runs out of heap, with crash reports on as a service turns them on. */
function dieOutOfHeap(flags: string[]): number {
  const script = `
    const { enableCrashReports } = await import(${JSON.stringify(path.resolve('src/lifecycle/crash-reports.ts'))});
    if (!(await enableCrashReports(${JSON.stringify(dir)}))) process.exit(3);
    const hoard = [];
    for (;;) hoard.push('x'.repeat(64) + Math.random());
  `;
  const child = spawnSync(
    process.execPath,
    [...flags, '--max-old-space-size=24', '--input-type=module', '-e', script],
    {
      env: { ...process.env, CRASH_CHECK_SECRET: 'do-not-write-me' },
      encoding: 'utf8',
    },
  );
  expect(child.status === 3 || child.signal === 'SIGABRT' || child.status === 134).toBe(true);
  return child.pid as number;
}

describe('crash reports', () => {
  it('are written by a process dying out of heap, without its environment, and name that process', async () => {
    const pid = dieOutOfHeap(['--report-exclude-env']);
    const [file] = await readdir(dir);
    expect(file).toMatch(/^report\..*\.json$/);
    const text = await readFile(path.join(dir, file as string), 'utf8');
    expect(text).not.toContain('do-not-write-me');
    expect(JSON.parse(text).environmentVariables).toBeUndefined();
    const taken: CrashReport[] = [];
    const result = await takeCrashReports(dir, async (report) => void taken.push(report));
    expect(result).toEqual({ taken: 1, unreadable: [] });
    expect(taken).toEqual([
      {
        process: processName(os.hostname(), pid),
        event: expect.stringMatching(/heap out of memory/),
        at: expect.any(String),
      },
    ]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('are not turned on when the report would hold the environment', async () => {
    dieOutOfHeap([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('stay for the next start when charging fails, and a file that is no report is removed', async () => {
    await writeFile(
      path.join(dir, 'report.1.json'),
      '{"header": {"host": "h", "processId": 7, "event": "Aborted"}}',
    );
    await writeFile(path.join(dir, 'report.2.json'), 'not json');
    await writeFile(path.join(dir, 'notes.txt'), 'left alone');
    await expect(
      takeCrashReports(dir, async () => {
        throw new Error('database out of reach');
      }),
    ).rejects.toThrow('database out of reach');
    expect((await readdir(dir)).sort()).toEqual(['notes.txt', 'report.1.json', 'report.2.json']);
    const taken: CrashReport[] = [];
    expect(await takeCrashReports(dir, async (report) => void taken.push(report))).toEqual({
      taken: 1,
      unreadable: ['report.2.json'],
    });
    expect(taken).toEqual([{ process: 'h/7', event: 'Aborted', at: '' }]);
    expect(await readdir(dir)).toEqual(['notes.txt']);
  });
});
