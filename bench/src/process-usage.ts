// What the processes of a bench run use, read from Linux's /proc: CPU time per process and for the whole
// machine, and peak memory.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Linux's USER_HZ, which /proc reports CPU times in. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * A process's parent, its CPU seconds (user and system) so far, and those of its children that ended and
 * were waited for; undefined once it is gone.
 */
async function processStat(
  pid: number,
): Promise<{ parent: number; cpuSeconds: number; endedChildrenCpuSeconds: number } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (stat === '') return undefined;
  // The fields after the command's closing parenthesis: the parent is the 2nd, utime and stime the 12th
  // and 13th, cutime and cstime the 14th and 15th (the command itself may hold spaces and parentheses).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    parent: Number(fields[1]),
    cpuSeconds: (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / CLOCK_TICKS_PER_SECOND,
    endedChildrenCpuSeconds: (Number(fields[13] ?? 0) + Number(fields[14] ?? 0)) / CLOCK_TICKS_PER_SECOND,
  };
}

async function cpuSecondsOf(pid: number | undefined): Promise<number> {
  return pid ? ((await processStat(pid))?.cpuSeconds ?? 0) : 0;
}

/** The machine's CPU time so far, busy and in all, summed over its cores (/proc/stat). */
export async function machineCpu(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8').catch(() => '')).split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  // idle and iowait are the 4th and 5th.
  return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total };
}

/**
 * CPU seconds used so far by each service process, by this one as `simulator`, and by PostgreSQL (its
 * postmaster, whose pid heads `postmaster.pid`, and the backends and workers it started, running or ended).
 */
export async function processCpu(
  processes: ReadonlyMap<string, { child: { pid?: number | undefined } }>,
  postgresDataDir: string,
): Promise<Record<string, number>> {
  const used: Record<string, number> = {};
  for (const [name, process] of processes) used[name] = await cpuSecondsOf(process.child.pid);
  const own = globalThis.process.cpuUsage();
  used.simulator = (own.user + own.system) / 1e6;
  used.postgres = await postgresCpuSeconds(postgresDataDir);
  return used;
}

async function postgresCpuSeconds(dataDir: string): Promise<number> {
  const head = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const postmaster = Number(head.split('\n')[0]);
  if (!Number.isInteger(postmaster) || postmaster <= 0) return 0;
  // Backends that ended meanwhile (a pool closing idle connections) count through the postmaster, which
  // waits for them: summing the live ones alone made the CPU used from acceptance to creation negative.
  const own = await processStat(postmaster);
  if (!own) return 0;
  let seconds = own.cpuSeconds + own.endedChildrenCpuSeconds;
  for (const entry of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await processStat(Number(entry));
    if (stat?.parent === postmaster) seconds += stat.cpuSeconds;
  }
  return seconds;
}

/** A process's peak resident memory (VmHWM), MiB. */
export async function peakRssMb(pid: number | undefined): Promise<number> {
  if (!pid) return 0;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}
