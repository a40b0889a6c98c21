import {
  logTail,
  serviceProcess,
  stopService,
  waitUntilReady,
  type ServiceProcess,
} from '@campaign-pipeline/dev-stack';
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { command, DEPLOY_ROOT, REPOSITORY_ROOT, type CommandResult } from './tools.ts';

export { logTail, stopService };

/** The Node running the tests (24): first on PATH for the scripts and the entrypoint, as in the image. */
export function runtimeEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
    ...extra,
  };
}

/** The Dockerfile's build stage: deploy/scripts/build.sh in the repository. */
export async function buildRepository(): Promise<CommandResult> {
  return command('sh', [path.join(DEPLOY_ROOT, 'scripts', 'build.sh')], REPOSITORY_ROOT, runtimeEnv());
}

/** The Dockerfile's runtime-files stage: production dependencies and built output into `target`. */
export async function installProduction(target: string): Promise<CommandResult> {
  return command(
    'sh',
    [path.join(DEPLOY_ROOT, 'scripts', 'install-production.sh'), REPOSITORY_ROOT, target],
    REPOSITORY_ROOT,
    runtimeEnv(),
  );
}

/**
 * Starts a service (or migrate) the way the image does: the entrypoint script with the name as argument.
 * Port 0 (the default) lets the service choose a free port and report it over IPC.
 */
export async function startFromInstall(options: {
  appRoot: string;
  name: string;
  port?: number;
  env: Record<string, string>;
  logDir: string;
}): Promise<ServiceProcess> {
  await mkdir(options.logDir, { recursive: true });
  const logFile = path.join(options.logDir, `${options.name}.log`);
  const log = openSync(logFile, 'a');
  const port = options.port ?? 0;
  // The entrypoint execs node, which inherits the IPC channel and reports its port on it.
  const child = spawn('sh', [path.join(options.appRoot, 'deploy', 'docker-entrypoint.sh'), options.name], {
    cwd: options.appRoot,
    env: runtimeEnv({
      ...options.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
    }),
    stdio: ['ignore', log, log, 'ipc'],
  });
  closeSync(log);
  return serviceProcess({ name: options.name, port, logFile, child });
}

export async function startReady(options: Parameters<typeof startFromInstall>[0]): Promise<ServiceProcess> {
  const service = await startFromInstall(options);
  await waitUntilReady(service, 60_000);
  return service;
}
