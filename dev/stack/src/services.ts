import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * kafkajs 2.2.4 arms a negative timer on every response under Node 24 (clamped to 1 ms by Node, harmless);
 * the warning it prints would hide real ones.
 */
export const SERVICE_NODE_FLAGS = ['--conditions=development', '--disable-warning=TimeoutNegativeWarning'];

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
  logFile: string;
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
}

/**
 * Starts a service through its real entry point in its own process group. It writes its log straight
 * to its file, and has an IPC channel so it stops itself when this process goes away (no orphans even
 * if the supervisor is killed).
 */
export async function spawnService(options: SpawnOptions): Promise<ServiceProcess> {
  await mkdir(options.logDir, { recursive: true });
  const entry = path.join(REPOSITORY_ROOT, 'services', options.name, 'src', 'main.ts');
  const logFile = path.join(options.logDir, `${options.name}.log`);
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, entry], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, ...options.env, PORT: String(options.port), HOST: '127.0.0.1' },
    stdio: ['ignore', log, log, 'ipc'],
    detached: true,
  });
  closeSync(log);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return { name: options.name, url: `http://127.0.0.1:${options.port}`, logFile, child, exited };
}

/** The last lines of a service's log, to explain why it stopped. */
export async function logTail(service: ServiceProcess, lines = 15): Promise<string> {
  const text = await readFile(service.logFile, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Waits until the service answers /ready with 200, or fails when it exits or the time runs out. */
export async function waitUntilReady(service: ServiceProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedWith: number | string | undefined;
  void service.exited.then((code) => (exitedWith = code));
  while (Date.now() < deadline) {
    if (exitedWith !== undefined) {
      throw new Error(
        `${service.name} exited (${exitedWith}) before it was ready; its log ends with:\n${await logTail(service)}`,
      );
    }
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
