import { ConfigError } from '@campaign-pipeline/shared';
import { readStackConfig, startStack, type Stack } from './stack.ts';
import type { SupervisionEvent } from './supervisor.ts';

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
let stack: Stack | undefined;
const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
const upCount = () => stack?.services.filter((service) => service.up).length ?? 0;

/** A service that dies is said loudly, with why and its last log lines; ready is said only when all are. */
function reportServiceEvent(event: SupervisionEvent): void {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (event.kind === 'exited') {
    process.stderr.write(
      `\n!! ${event.name} died (${event.reason}); restarting in ${seconds(event.restartInMs)}. ` +
        `${upCount()} of six services are ready. Its log ends with:\n${indent(event.logTail)}\n`,
    );
  } else if (event.kind === 'restart-failed') {
    process.stderr.write(
      `!! ${event.name} failed to start again (restart ${event.restarts}); next try in ${seconds(event.restartInMs)}:\n${indent(event.error)}\n`,
    );
  } else {
    const up = upCount();
    write(
      `${event.name} is ready again (restart ${event.restarts}); ` +
        (up === 6 ? 'all six services are ready' : `${up} of six services are ready`),
    );
  }
}

try {
  stack = await startStack({
    config,
    env: process.env,
    onServiceEvent: reportServiceEvent,
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
for (const service of stack.services) write(`  ${service.name.padEnd(28)} ${service.current.url}`);
write('');
write(`project-factory API     ${stack.gateway.url} (every path, routed to the service owning it)`);
write(`service logs            ${stack.logDir} (JSON lines; follow them with tail -f)`);
write('all six services are ready; press Ctrl-C to stop everything');

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  write(`\n${signal}: stopping services, then infrastructure ...`);
  await stack?.stop();
  write('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
