import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { REPOSITORY_ROOT } from '@campaign-pipeline/dev-stack';
import {
  compareFlows,
  formatCampaignResult,
  formatFlowComparison,
  refusedForCapacity,
  runCampaignBench,
  type CampaignBenchResult,
} from './campaign.ts';
import { flowComparisons, formatFlowComparisons, formatRunsSummary, summarizeRuns } from './campaign-runs.ts';
import { formatChaosResult, runChaosBench } from './chaos.ts';

// `npm run bench [-- <name> ...]`: benchmarks that print numbers. Names: campaign, chaos, fuzz, kafka,
// digit, sheets; no name runs campaign, kafka, digit and sheets. Options of the campaign benchmark: --size S|M|L
// (default S), --flow parallel|linear|both, --latency ms, --concurrency n, --chunk-size n (default 10000, the services'
// default), --bulk-batch-size n (default 10000, likewise), --hrms-batch-size n (the first HRMS create's, default 100,
// likewise), --hrms-batch-max n (default 5000, likewise), --runs n (default 1; with more, each flow's figures are
// summed up over the runs), --json (the result as one JSON object per flow and run); of chaos:
// --size (default M), --poison n (default 1000), --update (the measured campaign updates another),
// --kill-every ms (default 2000; 0 kills no service), --broker-restarts n (default 2).

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    size: { type: 'string' },
    poison: { type: 'string', default: '1000' },
    update: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'kill-every': { type: 'string', default: '2000' },
    'broker-restarts': { type: 'string', default: '2' },
    flow: { type: 'string', default: 'both' },
    latency: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '8' },
    'chunk-size': { type: 'string', default: '10000' },
    'bulk-batch-size': { type: 'string', default: '10000' },
    'hrms-batch-size': { type: 'string', default: '100' },
    'hrms-batch-max': { type: 'string', default: '5000' },
    runs: { type: 'string', default: '1' },
  },
});
const names = positionals.length > 0 ? positionals : ['campaign', 'kafka', 'digit', 'sheets'];
const sizeOr = (fallback: 'S' | 'M' | 'L') =>
  values.size === 'S' || values.size === 'M' || values.size === 'L' ? values.size : fallback;
const log = (line: string) => process.stdout.write(`${line}\n`);

/** Benchmarks that live beside what they measure run as their own processes. */
const SCRIPTS: Record<string, string[]> = {
  kafka: ['dev/kafka/bench/throughput.ts'],
  digit: ['dev/digit/bench/throughput.ts', '--size', 'L', '--seconds', '15'],
  sheets: ['shared/bench/sheets-memory.ts'],
};

/** Fuzzers: each prints the inputs it tried and the failures it found, with a new seed every run. */
const FUZZERS = [
  ['shared/bench/sheet-fuzz.ts', '5000'],
  ['services/intake/bench/request-fuzz.ts', '20000'],
];

function runCommand(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: REPOSITORY_ROOT, stdio: 'inherit' });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args[0]} exited ${code}`))));
  });
}

/**
 * The broker's throughput bench drives it with kafkajs as published, whose idle connections arm negative
 * timers (shared/src/kafka/request-queue.ts); the warning Node 24 prints for each would bury the numbers.
 */
function runScript(args: string[]): Promise<void> {
  return runCommand(process.execPath, [
    '--conditions=development',
    '--disable-warning=TimeoutNegativeWarning',
    ...args,
  ]);
}

for (const name of names) {
  log(`\n== ${name}`);
  if (name === 'campaign') {
    const flows =
      values.flow === 'both' ? (['parallel', 'linear'] as const) : [values.flow as 'parallel' | 'linear'];
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1)
      throw new Error(`--runs must be a whole number >= 1, got ${values.runs}`);
    const results = new Map<string, CampaignBenchResult[]>(flows.map((flow) => [flow, []]));
    // The flows take turns run by run, so that a slower spell of the machine does not fall on one flow.
    for (let run = 1; run <= runs; run++) {
      if (runs > 1) log(`-- run ${run} of ${runs}`);
      for (const flow of flows) {
        const result = await runCampaignBench(
          {
            size: sizeOr('S'),
            flow,
            latencyMs: Number(values.latency),
            concurrency: Number(values.concurrency),
            chunkSize: Number(values['chunk-size']),
            bulkBatchSize: Number(values['bulk-batch-size']),
            hrmsBatchSize: Number(values['hrms-batch-size']),
            hrmsBatchMax: Number(values['hrms-batch-max']),
          },
          log,
        );
        log(values.json ? JSON.stringify(result) : formatCampaignResult(result));
        if (refusedForCapacity(result) > 0) process.exitCode = 1;
        results.get(flow)?.push(result);
      }
      const [parallel, linear] = [results.get('parallel')?.at(-1), results.get('linear')?.at(-1)];
      if (parallel && linear)
        log(
          values.json
            ? JSON.stringify({ flowComparison: compareFlows(parallel, linear) })
            : formatFlowComparison(parallel, linear),
        );
    }
    if (runs > 1) {
      for (const flowResults of results.values()) {
        const summary = summarizeRuns(flowResults);
        log(values.json ? JSON.stringify({ runsSummary: summary }) : formatRunsSummary(summary));
      }
      const [parallel, linear] = [results.get('parallel'), results.get('linear')];
      if (parallel && linear) {
        const comparison = flowComparisons(parallel, linear);
        log(
          values.json ? JSON.stringify({ flowComparisons: comparison }) : formatFlowComparisons(comparison),
        );
      }
    }
  } else if (name === 'chaos') {
    const result = await runChaosBench(
      {
        size: sizeOr('M'),
        update: values.update,
        poison: Number(values.poison),
        killEveryMs: Number(values['kill-every']),
        brokerRestarts: Number(values['broker-restarts']),
      },
      log,
    );
    log(formatChaosResult(result));
    if (result.problems.length > 0) process.exitCode = 1;
  } else if (name === 'fuzz') {
    for (const fuzzer of FUZZERS) await runScript(fuzzer);
  } else if (SCRIPTS[name]) {
    if (name === 'kafka') await runCommand('bash', ['scripts/system-packages.sh', 'bench']);
    await runScript(SCRIPTS[name]);
  } else {
    throw new Error(
      `unknown benchmark ${name}; known: campaign, chaos, fuzz, ${Object.keys(SCRIPTS).join(', ')}`,
    );
  }
}
