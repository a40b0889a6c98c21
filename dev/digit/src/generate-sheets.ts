// Generates facility, user and target workbooks for the hierarchy of a running simulator, uploads them to
// its filestore and prints the CampaignDetails.resources entries.
//   node --conditions=development dev/digit/src/generate-sheets.ts --url http://127.0.0.1:8090 \
//     --project-type LLIN-mz --facilities 100 --users 200 [--boundaries MZ_P01,MZ_P02] [--out .data/sheets]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_HIERARCHY_TYPE, DEFAULT_TENANT } from '@campaign-pipeline/shared';
import { intArg, parseArgs } from './cli-args.ts';
import { listParam } from './http/request.ts';
import { campaignBoundaries } from './seed/hierarchy.ts';
import { fetchHierarchy, fetchProjectType } from './sheets/from-simulator.ts';
import { generateCampaignSheets } from './sheets/generate.ts';
import { uploadCampaignSheets } from './sheets/upload.ts';

const args = parseArgs(process.argv.slice(2));
if (args.has('help')) {
  console.log(
    'usage: generate-sheets.ts [--url http://127.0.0.1:8090] [--tenant mz] [--hierarchy ADMIN] [--project-type LLIN-mz]\n' +
      '  [--facilities 10] [--users 10] [--inactive-facilities 0] [--inactive-users 0] [--boundaries CODE,CODE]\n' +
      '  [--seed 1] [--out DIR] [--no-upload]',
  );
  process.exit(0);
}
const url = args.get('url') ?? process.env.DIGIT_SIM_URL ?? 'http://127.0.0.1:8090';
const tenantId = args.get('tenant') ?? DEFAULT_TENANT;
const hierarchy = await fetchHierarchy(url, tenantId, args.get('hierarchy') ?? DEFAULT_HIERARCHY_TYPE);
const projectType = await fetchProjectType(url, tenantId, args.get('project-type') ?? 'LLIN-mz');
const roots = listParam(args.get('boundaries'));
const started = Date.now();
const sheets = await generateCampaignSheets({
  hierarchy,
  projectType,
  boundaries: roots.length > 0 ? roots : undefined,
  facilities: intArg(args, 'facilities', 10),
  users: intArg(args, 'users', 10),
  inactiveFacilities: intArg(args, 'inactive-facilities', 0),
  inactiveUsers: intArg(args, 'inactive-users', 0),
  seed: intArg(args, 'seed', 1),
});
console.error(
  `generated ${sheets.counts.facilities} facilities, ${sheets.counts.users} users, ${sheets.counts.targetRows} target rows in ${sheets.counts.targetSheets} sheets (${Date.now() - started} ms)`,
);
const out = args.get('out');
if (out) {
  await mkdir(out, { recursive: true });
  for (const [kind, bytes] of [
    ['facility', sheets.facility],
    ['user', sheets.user],
    ['target', sheets.target],
  ] as const) {
    await writeFile(join(out, sheets.filenames[kind]), bytes);
  }
  console.error(`written to ${out}`);
}
if (!args.has('no-upload')) {
  const resources = await uploadCampaignSheets(url, sheets, { tenantId });
  const boundaries = campaignBoundaries(hierarchy, roots.length > 0 ? roots : [hierarchy.root.code]);
  console.log(JSON.stringify({ resources, boundaries }, null, 2));
}
