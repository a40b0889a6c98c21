import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { onFreePort, startPostgresProcess } from '../../src/index.ts';

/** A PostgreSQL of a test's own, in a temporary folder on a free port. */
export interface ScratchPostgres {
  url: string;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

export async function startScratchPostgres(name: string): Promise<ScratchPostgres> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `${name}-`));
  try {
    // PostgreSQL runs as another user when the tests run as root: it must reach its folder.
    await chmod(dir, 0o755);
    const server = await onFreePort((port) => startPostgresProcess({ dataDir: path.join(dir, 'pg'), port }));
    return {
      url: server.url,
      stop: async () => {
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
