// `npm start` as a user runs it (the real entry point, its own PostgreSQL, broker and simulator), and the
// test helpers: a service that dies while starting fails the start at once with its name and log; one
// that dies later is restarted and reported; no service is ever taken for another.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  FAST_SERVICE_ENV,
  REPOSITORY_ROOT,
  spawnService,
  startTestInfrastructure,
  startTestServices,
  stopService,
  waitUntilReady,
  type TestInfrastructure,
} from '../src/index.ts';
import { processesWithEnv, waitForServiceProcess } from './support/processes.ts';

interface RunningStart {
  child: ChildProcess;
  dataDir: string;
  output(): { stdout: string; stderr: string };
  /** Resolves when the text has been printed (stdout or stderr), rejects if the process exits first. */
  printed(text: string, timeoutMs?: number): Promise<void>;
  exited: Promise<number | string>;
}

const ALL_PORTS_CHOSEN_BY_THE_SYSTEM = Object.fromEntries(
  [
    'EMBEDDED_POSTGRES_PORT',
    'DEV_KAFKA_PORT',
    'DEV_SCHEMA_REGISTRY_PORT',
    'DIGIT_SIMULATOR_PORT',
    'INTAKE_PORT',
    'PROJECT_SYNC_PORT',
    'FACILITY_SYNC_PORT',
    'USER_SYNC_PORT',
    'MAPPING_SYNC_PORT',
    'STATUS_PORT',
    'GATEWAY_PORT',
  ].map((name) => [name, '0']),
);

async function npmStart(): Promise<RunningStart> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'campaign-pipeline-start-'));
  await chmod(dataDir, 0o755);
  const child = spawn(process.execPath, ['--conditions=development', 'dev/stack/src/main.ts'], {
    cwd: REPOSITORY_ROOT,
    env: {
      ...process.env,
      ...FAST_SERVICE_ENV,
      ...ALL_PORTS_CHOSEN_BY_THE_SYSTEM,
      STACK_DATA_DIR: dataDir,
      NODE_OPTIONS: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((waiter) => waiter());
  child.stdout?.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), wake()));
  child.stderr?.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), wake()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => (resolve(code ?? signal ?? 'unknown'), wake())),
  );
  const printed = (text: string, timeoutMs = 120_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`"${text}" not printed within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
      }, timeoutMs);
      const check = () => {
        if (stdout.includes(text) || stderr.includes(text)) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        } else if (child.exitCode !== null || child.signalCode !== null) {
          clearTimeout(timer);
          waiters.delete(check);
          reject(new Error(`exited before printing "${text}":\n${stdout}\n${stderr}`));
        }
      };
      waiters.add(check);
      check();
    });
  return { child, dataDir, output: () => ({ stdout, stderr }), printed, exited };
}

/** Every process the run started is gone within the bound (services stop when their supervisor does). */
async function expectNoProcessLeft(run: RunningStart): Promise<void> {
  const deadline = Date.now() + 30_000;
  let left = await processesWithEnv(`STACK_DATA_DIR=${run.dataDir}`);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    left = await processesWithEnv(`STACK_DATA_DIR=${run.dataDir}`);
  }
  expect(left).toEqual([]);
}

describe('npm start', () => {
  let run: RunningStart | undefined;

  afterEach(async () => {
    if (run && run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGINT');
      await run.exited;
    }
    if (run) await rm(run.dataDir, { recursive: true, force: true });
    run = undefined;
  });

  it('fails at once, naming the worker and quoting its log, when a worker dies before it is ready', async () => {
    run = await npmStart();
    const worker = await waitForServiceProcess('mapping-sync', run.child.pid as number);
    process.kill(worker, 'SIGKILL');
    const killedAt = Date.now();
    expect(await run.exited).toBe(1);
    // Others were still starting: the stack neither waited for them nor for a timeout.
    expect(Date.now() - killedAt).toBeLessThan(20_000);
    const { stdout, stderr } = run.output();
    expect(stderr).toContain(
      'the stack did not start: mapping-sync exited (signal SIGKILL) before it was ready',
    );
    expect(stderr).toContain('its log ends with:');
    expect(stdout).not.toContain('all six services are ready');
    await expectNoProcessLeft(run);
  });

  it('restarts a service that dies, says so with why and its log, and is ready again on the same URL', async () => {
    run = await npmStart();
    await run.printed('all six services are ready; press Ctrl-C to stop everything');
    const url = /user-sync\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(run.output().stdout)?.[1] as string;
    expect(url).toBeDefined();
    const worker = await waitForServiceProcess('user-sync', run.child.pid as number);
    process.kill(worker, 'SIGKILL');

    await run.printed(
      '!! user-sync died (signal SIGKILL); restarting in 1.0 s. 5 of six services are ready.',
    );
    expect(run.output().stderr).toMatch(/Its log ends with:\n\s+\{"level"/);
    await run.printed('user-sync is ready again (restart 1); all six services are ready');
    const ready = (await (await fetch(`${url}/ready`)).json()) as { service: string; pid: number };
    expect(ready.service).toBe('user-sync');
    expect(ready.pid).not.toBe(worker);
    expect(ready.pid).toBe(await waitForServiceProcess('user-sync', run.child.pid as number));

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output().stdout).toContain('stopped');
    await expectNoProcessLeft(run);
  });
});

describe('test helpers', () => {
  let infrastructure: TestInfrastructure;

  beforeAll(async () => {
    infrastructure = await startTestInfrastructure();
  });

  afterAll(async () => {
    await infrastructure?.stop();
  });

  it('fail at once with the name of a service that dies while starting, and stop the others', async () => {
    const starting = startTestServices(infrastructure, { names: ['intake', 'status', 'user-sync'] });
    const worker = await waitForServiceProcess('user-sync', process.pid);
    process.kill(worker, 'SIGKILL');
    await expect(starting).rejects.toThrow(/^user-sync exited \(signal SIGKILL\) before it was ready/);
  });

  it('never take another process answering on the service port for the service', async () => {
    // Something else already listens on the port and even claims to be intake, with another pid.
    const impostor = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: 'ready', service: 'intake', pid: 1 }));
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    const { port } = impostor.address() as { port: number };
    const intake = await spawnService({
      name: 'intake',
      port,
      env: infrastructure.env,
      logDir: path.join(infrastructure.dir, 'logs'),
    });
    try {
      await expect(waitUntilReady(intake, 60_000)).rejects.toThrow(
        /^intake exited \(exit code 1\) before it was ready; its log ends with:[\s\S]*EADDRINUSE/,
      );
    } finally {
      await stopService(intake, 5000);
      await new Promise((resolve) => impostor.close(resolve));
    }
  });
});
