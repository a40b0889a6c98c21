import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'authToken',
  '*.authToken',
  'RequestInfo.authToken',
  '*.RequestInfo.authToken',
  'headers.authorization',
  '*.headers.authorization',
  'user.password',
  'Employees[*].user.password',
  'databaseUrl',
  'DATABASE_URL',
];

export function createLogger(service: string, level: LoggerOptions['level'] = 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  });
}

/** Fields that identify the unit of work on every log line of a step. */
export interface WorkContext {
  campaignId?: string;
  step?: string;
  attempt?: number;
  commandId?: string;
  chunk?: number;
}

export function workLogger(logger: Logger, context: WorkContext): Logger {
  return logger.child(context);
}
