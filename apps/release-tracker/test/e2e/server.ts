import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';
const appDir = path.join(import.meta.dirname, '..', '..');
const nextCli = createRequire(import.meta.url).resolve('next/dist/bin/next');

export function assertChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Debian's chromium at ${CHROMIUM}: run apt-get install -y chromium`,
    );
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function runNext(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [nextCli, ...args], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface RunningApp {
  url: string;
  stop: () => Promise<void>;
}

/** Builds the app, then starts it on a free port with a database in a temporary folder. */
export async function startApp(): Promise<RunningApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'release-tracker-e2e-'));
  const env = {
    ...process.env,
    NODE_OPTIONS: '',
    NEXT_TELEMETRY_DISABLED: '1',
    RELEASE_TRACKER_DB: path.join(dataDir, 'e2e.db'),
  };
  if (process.env.RELEASE_TRACKER_E2E_SKIP_BUILD !== '1') {
    const build = runNext(['build'], env);
    let output = '';
    build.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    build.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => build.on('exit', resolve));
    if (code !== 0) throw new Error(`next build failed:\n${output}`);
  }
  const port = await freePort();
  const server = runNext(['start', '--hostname', '127.0.0.1', '--port', String(port)], env);
  let log = '';
  server.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  server.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 120; attempt++) {
    try {
      if ((await fetch(url)).ok) return { url, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`The app did not start at ${url}:\n${log}`);
}
