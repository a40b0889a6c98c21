import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { onFreePort } from '@campaign-pipeline/dev-stack';
import { systemProgram } from './tools.ts';

export interface PrometheusServer {
  url: string;
  logFile: string;
  query<T = PromSample>(expr: string): Promise<PromAnswer<T>>;
  stop(): Promise<void>;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PromAnswer<T> {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: T[] };
}

/**
 * The Debian package's Prometheus scraping the given targets every second, with the given rule files,
 * its data in `dir`.
 */
export async function startPrometheus(options: {
  dir: string;
  targets: { job: string; url: string }[];
  ruleFiles: string[];
}): Promise<PrometheusServer> {
  await mkdir(options.dir, { recursive: true });
  const configFile = path.join(options.dir, 'prometheus.yml');
  await writeFile(
    configFile,
    stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: options.ruleFiles,
      scrape_configs: options.targets.map((target) => ({
        job_name: target.job,
        static_configs: [{ targets: [new URL(target.url).host] }],
      })),
    }),
  );
  // Prometheus cannot report a port it chose: it gets a free one, and another if that was taken meanwhile.
  const { child, url, logFile, exited } = await onFreePort((port) =>
    launchPrometheus(options.dir, configFile, port),
  );
  return {
    url,
    logFile,
    query: async <T>(expr: string) => {
      const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
      return (await response.json()) as PromAnswer<T>;
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function launchPrometheus(dir: string, configFile: string, port: number) {
  const logFile = path.join(dir, `prometheus-${port}.log`);
  const log = openSync(logFile, 'a');
  const child: ChildProcess = spawn(
    systemProgram('prometheus', 'prometheus'),
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
    ],
    { stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`prometheus exited: ${await readFile(logFile, 'utf8')}`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { child, url, logFile, exited };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('prometheus was not ready within 30 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Polls until `check` returns a value (not undefined), or throws after the timeout. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
