import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isServiceStartedMessage } from '@campaign-pipeline/shared';
import type { MemorySettings } from './chart-values.ts';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * `--report-exclude-env`: a crash report (see CRASH_REPORT_DIR) must not hold the environment's secrets.
 * DEP0169: libraries in the bundle (the schema registry client's HTTP layer, follow-redirects) call
 * `url.parse()` on configured URLs; Node warns about that only for code outside node_modules, which
 * bundled code is. As in the image's entrypoint.
 */
export const SERVICE_NODE_FLAGS = [
  '--conditions=development',
  '--disable-warning=DEP0169',
  '--report-exclude-env',
];

/** Beside the installed packages: per checkout, never committed, gone with `npm ci`. */
export const COMPILE_CACHE_DIR = path.join(
  REPOSITORY_ROOT,
  'node_modules',
  '.cache',
  'campaign-pipeline',
  'compile',
);

/**
 * The services bundled by deploy/scripts/bundle-services.ts, as the image runs them: `npm start` and the
 * benches start them from here, so that a restarted process loads a few files instead of two thousand.
 * The tests run the sources.
 */
export const BUNDLE_DIR = path.join(REPOSITORY_ROOT, 'dist', 'services');

let bundled: Promise<void> | undefined;

/**
 * Bundles the six services into BUNDLE_DIR with the image build's own script (about 2 s), once per
 * process: a bench's later runs start from the same bundle (a failed attempt is tried again next time).
 */
export function bundleServices(): Promise<void> {
  bundled ??= buildBundle().catch((error: unknown) => {
    bundled = undefined;
    throw error;
  });
  return bundled;
}

async function buildBundle(): Promise<void> {
  const script = path.join(REPOSITORY_ROOT, 'deploy', 'scripts', 'bundle-services.ts');
  try {
    await promisify(execFile)(process.execPath, [script, BUNDLE_DIR], { cwd: REPOSITORY_ROOT });
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`bundling the services failed: ${output.stderr || output.stdout || output.message}`, {
      cause: error,
    });
  }
}

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
  /** Where it listens; 0 until it has said so, when it was started with PORT=0. */
  readonly port: number;
  readonly url: string;
  logFile: string;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
}

export interface SpawnOptions {
  name: string;
  /**
   * One of several processes of the service ('status-2'): names its log file and crash reports, and is
   * its KAFKA_INSTANCE_ID, since replicas on one host share the host name. Default: the service's name.
   */
  instance?: string;
  /** 0 lets the system choose a free port, which the service reports over IPC: no two services collide. */
  port: number;
  env: Record<string, string>;
  /** Folder for the service's JSON log file; logs go to `<logDir>/<name>.log`. */
  logDir: string;
  /** V8's and glibc's memory settings, as the chart sets them, each unless `env` already sets it. */
  memory?: MemorySettings;
  /** From BUNDLE_DIR (see bundleServices) instead of the sources. */
  bundled?: boolean;
}

/**
 * Follows a started service process: its exit, and the port it reports over IPC once it has started
 * (processes started without an IPC channel keep the port they were given).
 */
export function serviceProcess(init: {
  name: string;
  port: number;
  logFile: string;
  child: ChildProcess;
}): ServiceProcess {
  let port = init.port;
  init.child.on('message', (message) => {
    if (isServiceStartedMessage(message) && message.service === init.name) port = message.port;
  });
  const exited = new Promise<number | string>((resolve) => {
    init.child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return {
    name: init.name,
    get port() {
      return port;
    },
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    logFile: init.logFile,
    child: init.child,
    exited,
  };
}

/**
 * NODE_OPTIONS with the chart's V8 memory flags added, each unless the options already set it, and glibc's
 * mmap threshold unless `env` sets it.
 */
export function memoryEnv(
  env: NodeJS.ProcessEnv,
  memory: MemorySettings,
): { NODE_OPTIONS: string; MALLOC_MMAP_THRESHOLD_: string } {
  const nodeOptions = env.NODE_OPTIONS ?? '';
  const flags = [
    ['--max-old-space-size', memory.heapLimitMb],
    ['--max-semi-space-size', memory.semiSpaceMb],
  ] as const;
  return {
    NODE_OPTIONS: [
      nodeOptions,
      ...flags.filter(([flag]) => !nodeOptions.includes(flag)).map(([flag, mb]) => `${flag}=${mb}`),
    ]
      .join(' ')
      .trim(),
    MALLOC_MMAP_THRESHOLD_: env.MALLOC_MMAP_THRESHOLD_ ?? String(memory.mallocMmapThresholdBytes),
  };
}

/**
 * Starts a service through its real entry point in its own process group. It writes its log straight
 * to its file, and has an IPC channel so it reports its port and stops itself when this process goes
 * away (no orphans even if the supervisor is killed).
 */
export async function spawnService(options: SpawnOptions): Promise<ServiceProcess> {
  await mkdir(options.logDir, { recursive: true });
  const entry = options.bundled
    ? path.join(BUNDLE_DIR, `${options.name}.js`)
    : path.join(REPOSITORY_ROOT, 'services', options.name, 'src', 'main.ts');
  const instance = options.instance ?? options.name;
  const logFile = path.join(options.logDir, `${instance}.log`);
  const log = openSync(logFile, 'a');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    PORT: String(options.port),
    HOST: '127.0.0.1',
  };
  // Beside the logs, so that stacks running side by side never read each other's crash reports.
  env.CRASH_REPORT_DIR ??= path.join(options.logDir, '..', 'crash-reports', instance);
  if (options.instance) env.KAFKA_INSTANCE_ID ??= `${os.hostname()}/${options.instance}`;
  // Node keeps the compiled (type-stripped) sources between runs: a service restarted after a crash is
  // back sooner, and spends less of the CPU the running ones need.
  env.NODE_COMPILE_CACHE ??= COMPILE_CACHE_DIR;
  if (options.memory) Object.assign(env, memoryEnv(env, options.memory));
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, entry], {
    cwd: REPOSITORY_ROOT,
    env,
    stdio: ['ignore', log, log, 'ipc'],
    detached: true,
  });
  closeSync(log);
  return serviceProcess({ name: options.name, port: options.port, logFile, child });
}

/** The last lines of a service's log, to explain why it stopped. */
export async function logTail(service: ServiceProcess, lines = 15): Promise<string> {
  const text = await readFile(service.logFile, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** The reason a process ended, as a person reads it. */
export function exitReason(code: number | string): string {
  return typeof code === 'number' ? `exit code ${code}` : `signal ${code}`;
}

/**
 * Waits until this very process answers /ready with 200 and its own name and process id; fails at once
 * when it exits, naming it and quoting its log. Another process answering on the same port is never
 * taken for it.
 */
export async function waitUntilReady(service: ServiceProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedWith: number | string | undefined;
  void service.exited.then((code) => (exitedWith = code));
  let impostor: string | undefined;
  let unready: string | undefined;
  while (Date.now() < deadline) {
    if (exitedWith !== undefined) {
      throw new Error(
        `${service.name} exited (${exitReason(exitedWith)}) before it was ready; its log ends with:\n${await logTail(service)}`,
      );
    }
    if (service.port !== 0) {
      try {
        const response = await fetch(`${service.url}/ready`);
        const body = (await response.json().catch(() => ({}))) as ReadyAnswer;
        if (body.service === service.name && body.pid === service.child.pid) {
          if (response.status === 200) return;
          unready = failingChecks(body);
        } else {
          impostor = `${body.service ?? 'an unknown process'} (pid ${body.pid ?? '?'})`;
        }
      } catch {
        // not listening yet
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const answered = impostor ? `; ${service.url} is answered by ${impostor}, not by it` : '';
  const checks = unready ? `; its last /ready answer: ${unready}` : '';
  throw new Error(
    `${service.name} was not ready within ${timeoutMs} ms${answered}${checks}; its log ends with:\n${await logTail(service)}`,
  );
}

/** A service's /ready answer: its identity and how each of its checks went. */
interface ReadyAnswer {
  service?: string;
  pid?: number;
  checks?: { name?: string; ok?: boolean; error?: string }[];
}

/** The checks a /ready answer failed, each with its reason. */
function failingChecks(answer: ReadyAnswer): string {
  const failing = (answer.checks ?? []).filter((check) => !check.ok);
  return failing.length === 0
    ? 'no check failed'
    : failing.map((check) => `${check.name ?? '?'}: ${check.error ?? 'failed'}`).join('; ');
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
