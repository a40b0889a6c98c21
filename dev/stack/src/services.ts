import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The pipeline's services and the port each listens on by default. */
export const SERVICES = [
  { name: 'intake', port: 3001 },
  { name: 'project-sync', port: 3002 },
  { name: 'facility-sync', port: 3003 },
  { name: 'user-sync', port: 3004 },
  { name: 'mapping-sync', port: 3005 },
  { name: 'status', port: 3006 },
] as const;
export type ServiceName = (typeof SERVICES)[number]['name'];

export interface ServiceProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
}

export interface SpawnOptions {
  name: string;
  port: number;
  env: Record<string, string>;
  /** Folder for the service's JSON log file; logs go to `<logDir>/<name>.log`. */
  logDir: string;
  /** Lines worth a person's attention (errors) are passed here. */
  onAlert?: (name: string, line: string) => void;
}

/**
 * Starts a service through its real entry point in its own process group, with an IPC channel so the
 * service stops itself when this process goes away (no orphans even if the parent is killed).
 */
export async function spawnService(options: SpawnOptions): Promise<ServiceProcess> {
  await mkdir(options.logDir, { recursive: true });
  const entry = path.join(REPOSITORY_ROOT, 'services', options.name, 'src', 'main.ts');
  const child = spawn(process.execPath, ['--conditions=development', entry], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, ...options.env, PORT: String(options.port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
  });
  const log = createWriteStream(path.join(options.logDir, `${options.name}.log`), { flags: 'a' });
  forwardLines(child, log, (line) => {
    if (/"level":"(error|fatal)"/.test(line) || !line.startsWith('{')) options.onAlert?.(options.name, line);
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      log.end();
      resolve(code ?? signal ?? 'unknown');
    });
  });
  return { name: options.name, url: `http://127.0.0.1:${options.port}`, child, exited };
}

function forwardLines(child: ChildProcess, log: WriteStream, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      log.write(`${line}\n`);
      onLine(line);
    });
  }
}

/** Waits until the service answers /ready with 200, or fails when it exits or the time runs out. */
export async function waitUntilReady(service: ServiceProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedWith: number | string | undefined;
  void service.exited.then((code) => (exitedWith = code));
  while (Date.now() < deadline) {
    if (exitedWith !== undefined) throw new Error(`${service.name} exited (${exitedWith}) before it was ready`);
    try {
      const response = await fetch(`${service.url}/ready`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${service.name} was not ready within ${timeoutMs} ms`);
}

/** SIGTERM, then SIGKILL for a service that has not exited within the bound. */
export async function stopService(service: ServiceProcess, boundMs = 30_000): Promise<number | string> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return service.exited;
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), boundMs);
  try {
    return await service.exited;
  } finally {
    clearTimeout(timer);
  }
}
