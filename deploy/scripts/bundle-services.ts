// Bundles the six services into one folder of ES modules: one entry file per service and the chunks they
// share. Node then loads a service from a handful of files instead of about two thousand, which roughly
// halves the time a restarted process spends loading its code (`startupMs.load` in its 'service ready'
// line). Usage: node deploy/scripts/bundle-services.ts [output folder]; by default dist/services at the
// repository's root. The image build (build.sh) and the local stack both run it.
import { build, type Plugin } from 'esbuild';
import { readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const SERVICE_NAMES = [
  'intake',
  'project-sync',
  'facility-sync',
  'user-sync',
  'mapping-sync',
  'status',
] as const;

const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DEFAULT_BUNDLE_DIR = path.join(REPOSITORY_ROOT, 'dist', 'services');

/**
 * The code keeps folders beside it (the Avro schemas, the migrations) and finds them from its own
 * `import.meta.url`. In a bundle that URL would be the bundle's, so each source file's is rewritten to
 * where that file sits relative to the bundle folder: the same layout holds in the image (/app) and here.
 */
function sourceFileUrls(outDir: string): Plugin {
  return {
    name: 'source-file-urls',
    setup(builder) {
      builder.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
        const relative = path.relative(outDir, args.path).split(path.sep).join('/');
        return {
          contents: source.replaceAll(
            'import.meta.url',
            `new URL(${JSON.stringify(relative)}, import.meta.url).href`,
          ),
          loader: 'ts',
        };
      });
    },
  };
}

/**
 * Builds beside the output folder and then swaps it in, so that a service (re)started meanwhile never
 * finds half a bundle. Resolves with the entry file of each service.
 */
export async function bundleServices(outDir = DEFAULT_BUNDLE_DIR): Promise<string[]> {
  const staging = `${outDir}.staging-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const result = await build({
    entryPoints: Object.fromEntries(
      SERVICE_NAMES.map((name) => [name, path.join(REPOSITORY_ROOT, 'services', name, 'src', 'main.ts')]),
    ),
    outdir: staging,
    bundle: true,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node24',
    // The workspace packages' sources (their exports' "development" condition), as the tests run them.
    conditions: ['development'],
    // node-pg-migrate loads the migration files itself; pg-native is an optional addon pg asks for by name.
    external: ['node-pg-migrate', 'pg-native'],
    // The CommonJS packages inside call require(); in an ES module it has to be made.
    banner: {
      js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
    plugins: [sourceFileUrls(outDir)],
  });
  if (result.errors.length > 0) throw new Error(`bundling failed: ${result.errors.length} errors`);
  await rm(outDir, { recursive: true, force: true });
  await rename(staging, outDir);
  return SERVICE_NAMES.map((name) => path.join(outDir, `${name}.js`));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  const outDir = path.resolve(process.argv[2] ?? DEFAULT_BUNDLE_DIR);
  await bundleServices(outDir);
  console.log(
    `bundled ${SERVICE_NAMES.length} services into ${outDir} in ${Math.round(performance.now() - started)} ms`,
  );
}
