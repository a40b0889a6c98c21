// Runs the broker CLI as a child process (for tests that kill it with SIGKILL and restart it).
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const MAIN = new URL('../main.ts', import.meta.url).pathname;

export type BrokerProcessOptions = {
  /** Data directory; without one the broker keeps everything in memory. */
  dataDir?: string;
  port?: number;
  registryPort?: number;
  defaultPartitions?: number;
  initialRebalanceDelayMs?: number;
  /** Receives every log line of the child. */
  onLog?: (line: string) => void;
  /** Extra node flags for the child, e.g. ['--cpu-prof']. */
  nodeOptions?: string[];
  /** Extra environment of the child, e.g. NODE_COMPILE_CACHE so that a restart loads its code sooner. */
  env?: Record<string, string>;
};

export type BrokerProcess = {
  brokers: string[];
  registryUrl: string;
  controlUrl: string;
  pid: number;
  /** Kills the broker with SIGKILL: no shutdown, no flush. */
  kill(): Promise<void>;
  /** Stops it with SIGTERM and waits for a clean exit. */
  stop(): Promise<void>;
};

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startBrokerProcess(options: BrokerProcessOptions): Promise<BrokerProcess> {
  const args = [
    ...(options.nodeOptions ?? []),
    '--conditions=development',
    MAIN,
    ...(options.dataDir ? ['--data-dir', options.dataDir] : ['--in-memory']),
    '--port',
    String(options.port ?? 0),
    '--registry-port',
    String(options.registryPort ?? 0),
    '--partitions',
    String(options.defaultPartitions ?? 1),
    '--initial-rebalance-delay-ms',
    String(options.initialRebalanceDelayMs ?? 100),
  ];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...options.env },
  });
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<{ bootstrap: string; registryUrl: string; controlUrl: string }>(
    (resolve, reject) => {
      child.once('exit', (code, signal) =>
        reject(new Error(`broker exited before ready (${code ?? signal})`)),
      );
      lines.on('line', (line) => {
        options.onLog?.(line);
        try {
          const parsed = JSON.parse(line) as {
            msg?: string;
            bootstrap: string;
            registryUrl: string;
            controlUrl: string;
          };
          if (parsed.msg === 'ready') resolve(parsed);
        } catch {
          // not a JSON log line
        }
      });
    },
  );
  return {
    brokers: ready.bootstrap.split(','),
    registryUrl: ready.registryUrl,
    controlUrl: ready.controlUrl,
    pid: child.pid!,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
