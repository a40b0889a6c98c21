import { ConfigError } from '@campaign-pipeline/shared';
import { readStackConfig, startStack, type Stack } from './stack.ts';

// `npm start`: the whole system on one machine, embedded parts unless the environment points elsewhere.
const write = (line: string) => process.stdout.write(`${line}\n`);

let config;
try {
  config = readStackConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`invalid configuration: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

write('starting campaign-pipeline: infrastructure, then six services ...');
let stack: Stack;
try {
  stack = await startStack({
    config,
    env: process.env,
  });
} catch (error) {
  process.stderr.write(`the stack did not start: ${(error as Error).message}\n`);
  process.exit(1);
}

write('');
write('infrastructure');
for (const endpoint of stack.endpoints) write(`  ${endpoint.name.padEnd(28)} ${endpoint.url}`);
write('');
write('services (each answers /health, /ready and /metrics)');
for (const service of stack.services) write(`  ${service.name.padEnd(28)} ${service.url}`);
write('');
write(`campaign API            ${stack.services[0]?.url}/project-factory/v1/project-type/create`);
write(`service logs            ${stack.logDir} (JSON lines; follow them with tail -f)`);
write('all six services are ready; press Ctrl-C to stop everything');

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  write(`\n${signal}: stopping services, then infrastructure ...`);
  await stack.stop();
  write('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
