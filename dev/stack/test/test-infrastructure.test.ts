// A test's infrastructure that fails to start must not leave the parts that did start behind: a broker
// process or PostgreSQL left running holds ports and CPU for every test after it.
import { describe, expect, it } from '@jest/globals';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestInfrastructure } from '../src/index.ts';

/** Processes whose command line names `text` (a folder they were started on). */
async function processesNaming(text: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (commandLine.includes(text)) found.push(commandLine.replaceAll('\0', ' '));
  }
  return found;
}

describe('the test infrastructure', () => {
  it('stops the parts that started and removes its folder when another part fails to start', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    // A folder of its own, so that what the start leaves behind is told apart from other tests'.
    const tmpDir = await mkdtemp(path.join(os.tmpdir(), 'infrastructure-test-'));
    await chmod(tmpDir, 0o755);
    try {
      // PostgreSQL and the broker (a process of its own) start; the DIGIT simulator cannot take its port.
      await expect(
        startTestInfrastructure({ tmpDir, killableBroker: true, digit: { port } }),
      ).rejects.toMatchObject({ code: 'EADDRINUSE' });
      // A part still starting when the failure came would show up by now.
      await sleep(3000);
      expect(await processesNaming(tmpDir)).toEqual([]);
      expect(await readdir(tmpDir)).toEqual([]);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
      await rm(tmpDir, { recursive: true, force: true });
    }
  });
});
