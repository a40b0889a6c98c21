import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { answers, exitCode, freePort, runNext, startNext } from '../../scripts/next-server.ts';

export const CHROMIUM = '/usr/bin/chromium';

export function assertChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Debian's chromium at ${CHROMIUM}: run apt-get install -y chromium`,
    );
  }
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
  const collect = (child: ReturnType<typeof runNext>) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return () => output;
  };
  // RELEASE_TRACKER_E2E_SKIP_BUILD=1 reuses the last build while working on the tests themselves.
  if (process.env.RELEASE_TRACKER_E2E_SKIP_BUILD !== '1') {
    const build = runNext(['build'], env, ['ignore', 'pipe', 'pipe']);
    const output = collect(build);
    if ((await exitCode(build)) !== 0) throw new Error(`next build failed:\n${output()}`);
  }
  const port = await freePort();
  const server = startNext(port, env, ['ignore', 'pipe', 'pipe']);
  const log = collect(server);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    const exited = exitCode(server);
    server.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  if (await answers(url, 30)) return { url, stop };
  await stop();
  throw new Error(`The app did not start at ${url}:\n${log()}`);
}
