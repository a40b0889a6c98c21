// CLI: `npm run kafka -- [--port 9092] [--registry-port 8081] [--host 127.0.0.1] [--data-dir DIR | --in-memory]`.
// Environment: KAFKA_HOST, KAFKA_PORT, SCHEMA_REGISTRY_PORT, KAFKA_DATA_DIR, KAFKA_DEFAULT_PARTITIONS,
// KAFKA_AUTO_CREATE_TOPICS (true/false), KAFKA_INITIAL_REBALANCE_DELAY_MS.
import nodeModule from 'node:module';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startDevKafka } from './index.ts';

const REPOSITORY_ROOT = resolve(import.meta.dirname, '../../..');

function logLine(fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields })}\n`);
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got '${value}'`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'registry-port': { type: 'string' },
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean' },
      partitions: { type: 'string' },
      'no-auto-create': { type: 'boolean' },
      'initial-rebalance-delay-ms': { type: 'string' },
    },
  });
  const env = process.env;
  const kafka = await startDevKafka({
    host: values.host ?? env.KAFKA_HOST ?? '127.0.0.1',
    port: int(values.port ?? env.KAFKA_PORT, 9092, 'port'),
    registryPort: int(values['registry-port'] ?? env.SCHEMA_REGISTRY_PORT, 8081, 'registry port'),
    dataDir: values['in-memory']
      ? undefined
      : resolve(values['data-dir'] ?? env.KAFKA_DATA_DIR ?? resolve(REPOSITORY_ROOT, '.data/kafka')),
    defaultPartitions: int(values.partitions ?? env.KAFKA_DEFAULT_PARTITIONS, 1, 'partitions'),
    autoCreateTopics: values['no-auto-create'] ? false : env.KAFKA_AUTO_CREATE_TOPICS !== 'false',
    initialRebalanceDelayMs: int(
      values['initial-rebalance-delay-ms'] ?? env.KAFKA_INITIAL_REBALANCE_DELAY_MS,
      100,
      'initial rebalance delay',
    ),
    log: logLine,
  });
  // Node writes its compile cache (NODE_COMPILE_CACHE) at exit, which a killed broker never reaches.
  nodeModule.flushCompileCache?.();
  logLine({
    msg: 'ready',
    bootstrap: kafka.brokers.join(','),
    registryUrl: kafka.registryUrl,
    controlUrl: kafka.controlUrl,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logLine({ msg: 'stopping', signal });
    kafka.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        logLine({ msg: 'stop failed', error: String(e) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  logLine({ msg: 'failed to start', error: e instanceof Error ? e.message : String(e) });
  process.exit(1);
});
