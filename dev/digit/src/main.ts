// Runs the DIGIT simulator as a process: `npm run digit -- --port 8090 --size M`.
// Port from --port, else DIGIT_SIM_PORT, else 8090. Stops on SIGINT/SIGTERM.
import { intArg, parseArgs, sizeArg } from './cli-args.ts';
import { startDigitSimulator } from './index.ts';

const args = parseArgs(process.argv.slice(2));
if (args.has('help')) {
  console.log(
    'usage: main.ts [--port 8090] [--host 127.0.0.1] [--size S|M|L] [--latency ms] [--per-item-ms ms] [--log]',
  );
  process.exit(0);
}
const latency = intArg(args, 'latency', 0);
const perItemMs = intArg(args, 'per-item-ms', 1);
const simulator = await startDigitSimulator({
  host: args.get('host') ?? process.env.DIGIT_SIM_HOST ?? '127.0.0.1',
  port: intArg(args, 'port', Number(process.env.DIGIT_SIM_PORT ?? 8090)),
  seed: { size: sizeArg(args.get('size') ?? process.env.DIGIT_SIM_SIZE) },
  behaviour: { '*': { latency: { fixedMs: latency, perItemMs } } },
  log: args.has('log'),
});
const leaves = simulator.hierarchy.levels.at(-1)?.boundaryType ?? '';
console.log(
  `DIGIT simulator listening on ${simulator.url} (tenant ${simulator.hierarchy.tenantId}, hierarchy ${simulator.hierarchy.hierarchyType}, ${simulator.hierarchy.codesByType.get(leaves)?.length ?? 0} ${leaves} boundaries)`,
);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  simulator.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
