import { readdir, readFile } from 'node:fs/promises';

// Finding the processes a stack started, as a person would with ps: by command line and parent.

async function processInfo(pid: number): Promise<{ ppid: number; command: string; env: string } | null> {
  try {
    const [stat, command, env] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/cmdline`, 'utf8'),
      readFile(`/proc/${pid}/environ`, 'utf8').catch(() => ''),
    ]);
    // The command name in parentheses may hold spaces: the parent id is the second field after it.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { ppid, command: command.replaceAll('\0', ' '), env };
  } catch {
    return null;
  }
}

async function allPids(): Promise<number[]> {
  return (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
}

/** The process of a service whose parent is `parentPid`, once it exists (polls every 20 ms). */
export async function waitForServiceProcess(
  service: string,
  parentPid: number,
  timeoutMs = 60_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  // From its sources (the tests' services) or from its bundle (`npm start`'s).
  const entries = [`services/${service}/src/main.ts`, `dist/services/${service}.js`];
  while (Date.now() < deadline) {
    for (const pid of await allPids()) {
      const info = await processInfo(pid);
      if (info?.ppid === parentPid && entries.some((entry) => info.command.includes(entry))) return pid;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no ${service} process of parent ${parentPid} within ${timeoutMs} ms`);
}

/** Processes whose environment holds the marker, e.g. a stack's data folder. */
export async function processesWithEnv(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const pid of await allPids()) {
    if (pid === process.pid) continue;
    const info = await processInfo(pid);
    if (info?.env.split('\0').includes(marker)) found.push(pid);
  }
  return found;
}
