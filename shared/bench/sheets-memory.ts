// Memory and speed of the sheet readers and writers on campaign-sized files: a user sheet of 100,000 rows
// and a target workbook of 100,000 lowest-level boundaries (10 sheets of 10,000). Each phase runs in its
// own process so that its peak RSS is its own.
//
//   node --conditions=development shared/bench/sheets-memory.ts [rows]
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

import type { TargetColumnDefinition } from '../src/domain/project-type.ts';
import {
  CampaignBoundaries,
  readTargetSheet,
  readUserSheet,
  writeProcessedSheet,
  writeTargetWorkbook,
  writeUserSheet,
} from '../src/sheets/index.ts';
import type {
  RowOutcome,
  SheetValidationContext,
  TargetSheetRow,
  UserSheetRow,
} from '../src/sheets/index.ts';

const PROVINCES = 10;
const DISTRICTS_PER_PROVINCE = 100;
const TARGET_COLUMNS: TargetColumnDefinition[] = [
  { key: 'HCM_ADMIN_CONSOLE_TARGET', beneficiaryType: 'HOUSEHOLD', required: true },
  { key: 'HCM_ADMIN_CONSOLE_TARGET_BEDNET_COLUMN_2', beneficiaryType: 'INDIVIDUAL', required: true },
  { key: 'HCM_ADMIN_CONSOLE_TARGET_BEDNET_COLUMN_3', beneficiaryType: 'PRODUCT', required: false },
];
const BOUNDARY_TYPES = ['COUNTRY', 'PROVINCE', 'DISTRICT', 'LOCALITY'];

interface Leaf {
  province: string;
  district: string;
  code: string;
}

/** Country MZ → PROVINCES provinces → DISTRICTS_PER_PROVINCE districts each → localities (the leaves). */
function* leaves(count: number): Generator<Leaf> {
  const perDistrict = Math.ceil(count / (PROVINCES * DISTRICTS_PER_PROVINCE));
  for (let index = 0; index < count; index++) {
    const districtIndex = Math.floor(index / perDistrict);
    const province = `MZ_P${String(Math.floor(districtIndex / DISTRICTS_PER_PROVINCE)).padStart(2, '0')}`;
    const district = `${province}_D${String(districtIndex % DISTRICTS_PER_PROVINCE).padStart(3, '0')}`;
    yield { province, district, code: `${district}_L${String(index).padStart(6, '0')}` };
  }
}

function campaign(count: number): SheetValidationContext {
  const codes = new Set<string>(['MZ']);
  const leafCodes = new Set<string>();
  for (const leaf of leaves(count)) {
    codes.add(leaf.province).add(leaf.district).add(leaf.code);
    leafCodes.add(leaf.code);
  }
  return {
    boundaries: new CampaignBoundaries(codes, leafCodes),
    boundaryTypes: BOUNDARY_TYPES,
    targetColumns: TARGET_COLUMNS,
  };
}

function* users(count: number): Generator<UserSheetRow> {
  let index = 0;
  for (const leaf of leaves(count)) {
    yield {
      name: `Field Worker ${index}`,
      phone: String(7_000_000_000 + index),
      roles: index % 10 === 0 ? ['SUPERVISOR', 'DISTRIBUTOR'] : ['DISTRIBUTOR'],
      employmentType: index % 2 === 0 ? 'Temporary' : 'Permanent',
      usage: index % 50 === 0 ? 'Inactive' : 'Active',
      boundaryCodes: [leaf.code],
      userName: `fw${index}`,
    };
    index++;
  }
}

function* targets(count: number): Generator<TargetSheetRow> {
  let index = 0;
  for (const leaf of leaves(count)) {
    const values: Record<string, number> = {
      HCM_ADMIN_CONSOLE_TARGET: 100 + (index % 900),
      HCM_ADMIN_CONSOLE_TARGET_BEDNET_COLUMN_2: 400 + (index % 3_000),
    };
    if (index % 3 === 0) values.HCM_ADMIN_CONSOLE_TARGET_BEDNET_COLUMN_3 = index % 7;
    yield {
      sheet: leaf.province,
      boundaryCode: leaf.code,
      path: ['MZ', leaf.province, leaf.district, leaf.code],
      values,
    };
    index++;
  }
}

/** Samples RSS while `work` runs and reports the peak. */
async function measure(
  work: () => Promise<number>,
): Promise<{ rows: number; seconds: number; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = process.hrtime.bigint();
  const rows = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { rows, seconds, peakRssMb: peak / 2 ** 20 };
}

async function countRows(summary: Promise<{ rowCount: number; errors: unknown[] }>): Promise<number> {
  const { rowCount, errors } = await summary;
  if (errors.length > 0) throw new Error(`unexpected sheet errors: ${JSON.stringify(errors.slice(0, 3))}`);
  return rowCount;
}

type Phase = 'write-users' | 'write-targets' | 'read-users' | 'read-targets' | 'process-users';

async function runPhase(phase: Phase, dir: string, count: number): Promise<number> {
  const usersPath = join(dir, 'users.xlsx');
  const targetsPath = join(dir, 'targets.xlsx');
  switch (phase) {
    case 'write-users': {
      const output = createWriteStream(usersPath);
      await writeUserSheet(users(count), output);
      await finished(output);
      return count;
    }
    case 'write-targets': {
      const output = createWriteStream(targetsPath);
      await writeTargetWorkbook(targets(count), BOUNDARY_TYPES, TARGET_COLUMNS, output);
      await finished(output);
      return count;
    }
    case 'read-users': {
      const context = campaign(count);
      return countRows(readUserSheet(createReadStream(usersPath), context, { onRows: () => undefined }));
    }
    case 'read-targets': {
      const context = campaign(count);
      return countRows(readTargetSheet(createReadStream(targetsPath), context, { onRows: () => undefined }));
    }
    case 'process-users': {
      const outcomes = new Map<number, RowOutcome>();
      for (let row = 3; row < count + 3; row++) {
        outcomes.set(
          row,
          row % 100 === 0
            ? { status: 'failed', errors: ['HRMS timed out'] }
            : { status: 'created', errors: [] },
        );
      }
      const output = createWriteStream(join(dir, 'users-processed.xlsx'));
      await writeProcessedSheet(
        createReadStream(usersPath),
        new Map([['HCM_ADMIN_CONSOLE_USER_LIST', outcomes]]),
        output,
      );
      await finished(output);
      return count;
    }
  }
}

const PHASES: Phase[] = ['write-users', 'write-targets', 'read-users', 'read-targets', 'process-users'];

async function main(): Promise<void> {
  const [phaseArgument, dirArgument, countArgument] = process.argv.slice(2);
  if (phaseArgument !== undefined && PHASES.includes(phaseArgument as Phase) && dirArgument !== undefined) {
    const result = await measure(() => runPhase(phaseArgument as Phase, dirArgument, Number(countArgument)));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const count = Number(phaseArgument ?? 100_000);
  const dir = await mkdtemp(join(tmpdir(), 'sheets-memory-'));
  const script = fileURLToPath(import.meta.url);
  try {
    console.log(`sheets memory check: ${count.toLocaleString('en-US')} rows, Node ${process.version}`);
    console.log('phase           rows     seconds  rows/s   peak RSS MB  file MB');
    for (const phase of PHASES) {
      const output = execFileSync(
        process.execPath,
        ['--conditions=development', script, phase, dir, String(count)],
        {
          encoding: 'utf8',
        },
      );
      const { rows, seconds, peakRssMb } = JSON.parse(output.trim().split('\n').pop() ?? '{}') as {
        rows: number;
        seconds: number;
        peakRssMb: number;
      };
      const file = {
        'write-users': 'users.xlsx',
        'write-targets': 'targets.xlsx',
        'process-users': 'users-processed.xlsx',
      }[phase as string];
      const size = file === undefined ? '' : ((await stat(join(dir, file))).size / 2 ** 20).toFixed(1);
      console.log(
        [
          phase.padEnd(14),
          String(rows).padStart(7),
          seconds.toFixed(2).padStart(9),
          Math.round(rows / seconds)
            .toString()
            .padStart(8),
          peakRssMb.toFixed(0).padStart(12),
          size.padStart(8),
        ].join(' '),
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
