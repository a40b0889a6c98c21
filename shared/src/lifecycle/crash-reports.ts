// Node writes a diagnostic report when a process dies of a fatal error (heap out of memory, an abort).
// The service's next process reads the reports its predecessors left, so that the messages they were
// handling are charged with the crash; a process killed from outside leaves none.
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface CrashReport {
  /** The dead process, named as `processName` names a live one. */
  process: string;
  /** Node's words for the fatal error, e.g. "Allocation failed - JavaScript heap out of memory". */
  event: string;
  at: string;
}

/** Reports are a few tens of kilobytes; anything far larger is not one of ours. */
const MAX_REPORT_BYTES = 16 * 1024 * 1024;
const REPORT_FILE = /^report\..*\.json$/;

/** How a process is named in the delivery log: host and pid, as a report's header names them. */
export function processName(host: string = os.hostname(), pid: number = process.pid): string {
  return `${host}/${pid}`;
}

/**
 * Asks Node for a report into `dir` if this process dies of a fatal error. Only when the report leaves
 * environment variables out (`--report-exclude-env`, which the chart and the local stack set): they
 * hold secrets. Answers whether reports are on.
 */
export async function enableCrashReports(dir: string): Promise<boolean> {
  if (!process.report.excludeEnv) return false;
  await mkdir(dir, { recursive: true });
  process.report.directory = dir;
  process.report.reportOnFatalError = true;
  return true;
}

/**
 * Hands each crash report in `dir` to `take`, then removes it (a report whose `take` throws stays for
 * the next start). A file that is no readable report is removed and named in the answer.
 */
export async function takeCrashReports(
  dir: string,
  take: (report: CrashReport) => Promise<void>,
): Promise<{ taken: number; unreadable: string[] }> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  let taken = 0;
  const unreadable: string[] = [];
  for (const name of names.filter((entry) => REPORT_FILE.test(entry)).sort()) {
    const file = path.join(dir, name);
    const report = await readReport(file);
    if (report) {
      await take(report);
      taken++;
    } else unreadable.push(name);
    await rm(file, { force: true });
  }
  return { taken, unreadable };
}

async function readReport(file: string): Promise<CrashReport | undefined> {
  try {
    if ((await stat(file)).size > MAX_REPORT_BYTES) return undefined;
    const header = (JSON.parse(await readFile(file, 'utf8')) as { header?: Record<string, unknown> }).header;
    if (typeof header?.host !== 'string' || typeof header.processId !== 'number') return undefined;
    return {
      process: processName(header.host, header.processId),
      event: typeof header.event === 'string' ? header.event : 'fatal error',
      at: typeof header.dumpEventTime === 'string' ? header.dumpEventTime : '',
    };
  } catch {
    return undefined;
  }
}
