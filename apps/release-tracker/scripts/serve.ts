// Builds the app and serves it on a free port with its database in data/; Ctrl-C stops it.
import path from 'node:path';
import { answers, appDir, exitCode, freePort, runNext, startNext } from './next-server.ts';

async function main(): Promise<void> {
  const env = {
    ...process.env,
    RELEASE_TRACKER_DB: process.env.RELEASE_TRACKER_DB ?? path.join(appDir, 'data', 'release-tracker.db'),
    NEXT_TELEMETRY_DISABLED: '1',
  };
  if (process.env.RELEASE_TRACKER_SKIP_BUILD !== '1') {
    console.log('Building the release tracker…');
    const code = await exitCode(runNext(['build'], env, ['ignore', 'inherit', 'inherit']));
    if (code !== 0) process.exit(code ?? 1);
  }
  const port = process.env.PORT ? Number(process.env.PORT) : await freePort();
  const server = startNext(port, env, ['ignore', 'inherit', 'inherit']);
  let stopping = false;
  const stop = () => {
    stopping = true;
    server.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => process.exit(stopping ? 0 : (code ?? 1)));
  const url = `http://127.0.0.1:${port}`;
  if (await answers(url, 60)) {
    console.log(
      `Release tracker is running at ${url} (database ${env.RELEASE_TRACKER_DB}). Ctrl-C stops it.`,
    );
  } else {
    console.error(`The release tracker did not answer at ${url}`);
    stop();
  }
}

await main();
