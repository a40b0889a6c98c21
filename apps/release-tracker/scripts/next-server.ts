// Starting Next for `npm run release-tracker` and for the browser tests: a free port, the project's Node, a wait until it answers.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';

export const appDir = path.join(import.meta.dirname, '..');
const nextCli = createRequire(import.meta.url).resolve('next/dist/bin/next');

export function freePort(): Promise<number> {
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

// The same Node that runs the caller runs Next, so the app gets the project's Node version.
export function runNext(args: string[], env: NodeJS.ProcessEnv, stdio: StdioOptions): ChildProcess {
  return spawn(process.execPath, [nextCli, ...args], { cwd: appDir, env, stdio });
}

export function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', resolve));
}

/** Starts the built app on 127.0.0.1 at the port. */
export function startNext(port: number, env: NodeJS.ProcessEnv, stdio: StdioOptions): ChildProcess {
  return runNext(['start', '--hostname', '127.0.0.1', '--port', String(port)], env, stdio);
}

/** True once the URL answers 200, false after about `seconds`. */
export async function answers(url: string, seconds: number): Promise<boolean> {
  for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline;) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
