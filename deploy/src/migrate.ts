// Applies the database migrations and exits: the Helm pre-install/pre-upgrade Job runs this, so schema
// changes land once before new pods start (services still apply pending ones at start).
import { ConfigError, createLogger, env, migrate, readConfig } from '@campaign-pipeline/shared';

try {
  const config = readConfig({
    DATABASE_URL: env.url({ protocols: ['postgres:', 'postgresql:'] }),
    LOG_LEVEL: env.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, {
      fallback: 'info',
    }),
  });
  const logger = createLogger('migrate', config.LOG_LEVEL);
  const applied = await migrate(config.DATABASE_URL, logger);
  logger.info({ applied: applied.length }, 'database schema is up to date');
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`migrate: invalid configuration: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`migrate: failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
