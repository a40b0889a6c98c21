// Writes the corpus of broken and hostile workbooks to a folder, with expected.json giving each file's
// reader, lowered limits and expected problem; with --bombs also the two zip bombs (5 GB and 2 GB inflated).
//   node --conditions=development dev/digit/src/generate-hostile-workbooks.ts --out DIR [--bombs]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from './cli-args.ts';
import { ZIP_BOMBS, hostileWorkbooks, writeSharedStringsBomb } from './sheets/hostile/corpus.ts';

const args = parseArgs(process.argv.slice(2));
const out = args.get('out');
if (out === undefined || args.has('help')) {
  console.log('usage: generate-hostile-workbooks.ts --out DIR [--bombs]');
  process.exit(out === undefined ? 1 : 0);
}
await mkdir(out, { recursive: true });
const expected: Record<string, unknown> = {};
for (const { file, bytes, ...rest } of hostileWorkbooks()) {
  await writeFile(join(out, file), bytes);
  expected[file] = rest;
}
if (args.has('bombs')) {
  for (const bomb of ZIP_BOMBS) {
    const written = await writeSharedStringsBomb(join(out, bomb.file), bomb.inflatedBytes);
    expected[bomb.file] = { resource: 'facility', expected: { code: 'PART_TOO_LARGE' }, ...written };
  }
}
await writeFile(join(out, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
console.log(`${Object.keys(expected).length} workbooks written to ${out}`);
