// Builds the app and serves it on a free port with its database in data/; Ctrl-C stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';

const appDir = path.join(import.meta.dirname, '..');
const nextCli = createRequire(import.meta.url).resolve('next/dist/bin/next');

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

// The same Node that runs this script runs Next, so the app gets the project's Node version.
function run(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [nextCli, ...args], {
    cwd: appDir,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

async function main(): Promise<void> {
  const env = {
    ...process.env,
    RELEASE_TRACKER_DB: process.env.RELEASE_TRACKER_DB ?? path.join(appDir, 'data', 'release-tracker.db'),
    NEXT_TELEMETRY_DISABLED: '1',
  };
  if (process.env.RELEASE_TRACKER_SKIP_BUILD !== '1') {
    console.log('Building the release tracker…');
    const build = run(['build'], env);
    const code = await new Promise<number | null>((resolve) => build.on('exit', resolve));
    if (code !== 0) process.exit(code ?? 1);
  }
  const port = process.env.PORT ? Number(process.env.PORT) : await freePort();
  const server = run(['start', '--hostname', '127.0.0.1', '--port', String(port)], env);
  let stopping = false;
  const stop = () => {
    stopping = true;
    server.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => process.exit(stopping ? 0 : (code ?? 1)));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 120; attempt++) {
    try {
      const response = await fetch(url);
      if (response.ok) {
        console.log(
          `Release tracker is running at ${url} (database ${env.RELEASE_TRACKER_DB}). Ctrl-C stops it.`,
        );
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  console.error(`The release tracker did not answer at ${url}`);
  stop();
}

await main();
