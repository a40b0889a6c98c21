import { env, readConfig, ConfigError } from '@campaign-pipeline/shared';
import { CampaignClient, type StepProgress } from './campaign-client.ts';
import { campaignFixture } from './campaign-fixture.ts';

// `npm run demo` against a running stack (`npm start`): submits a generated campaign, shows a progress
// bar per step until it is created, then prints what DIGIT now holds for it.

function readDemoConfig() {
  return readConfig({
    INTAKE_URL: env.url({ fallback: 'http://127.0.0.1:3001' }),
    STATUS_URL: env.url({ fallback: 'http://127.0.0.1:3006' }),
    DIGIT_HOST: env.url({ fallback: 'http://127.0.0.1:8090' }),
    DEMO_FACILITIES: env.int({ fallback: 40, min: 1, max: 100_000 }),
    DEMO_USERS: env.int({ fallback: 120, min: 1, max: 100_000 }),
  });
}

const WIDTH = 30;

function bar(step: StepProgress): string {
  const { total, completed } = step.chunks;
  const share = step.status === 'completed' ? 1 : total === 0 ? 0 : completed / total;
  const filled = Math.round(share * WIDTH);
  const rows = Object.entries(step.counts)
    .filter(([, value]) => value > 0)
    .map(([action, value]) => `${value} ${action}`)
    .join(', ');
  const status = step.stalled ? 'STALLED' : step.status;
  const line = `${step.step.padEnd(18)} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${status.padEnd(9)} ${rows}`;
  return step.stalled
    ? `${line}\n${' '.repeat(19)}${step.stalled.waitingOn} has not answered for ${duration(step.stalled.silentForMs)}`
    : line;
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

let config;
try {
  config = readDemoConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`invalid configuration: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

const client = new CampaignClient(config.INTAKE_URL, config.STATUS_URL);
process.stdout.write(
  `generating sheets: ${config.DEMO_FACILITIES} facilities, ${config.DEMO_USERS} users ...\n`,
);
const fixture = await campaignFixture({
  digitUrl: config.DIGIT_HOST,
  facilities: config.DEMO_FACILITIES,
  users: config.DEMO_USERS,
  inactiveFacilities: 2,
  inactiveUsers: 3,
  seed: Date.now() % 100_000,
  campaignName: `Demo campaign ${new Date().toISOString().slice(0, 19)}`,
});
const answer = await client.create(fixture.details);
if (answer.status !== 200) {
  process.stderr.write(`the campaign was rejected (${answer.status}):\n`);
  for (const error of answer.data.Errors ?? []) process.stderr.write(`  ${error.code}: ${error.message}\n`);
  process.exit(1);
}
const campaign = answer.data.CampaignDetails;
process.stdout.write(`submitted ${campaign?.campaignNumber} (${campaign?.id})\n\n`);

const tty = process.stdout.isTTY;
let drawn = 0;
let previous = '';
const started = Date.now();
const result = await client.waitForStatus(campaign?.id as string, ['created', 'failed', 'cancelled'], {
  timeoutMs: 3_600_000,
  intervalMs: 500,
  onProgress: (steps) => {
    const lines = steps.map(bar).flatMap((text) => text.split('\n'));
    const text = lines.join('\n');
    if (text === previous) return;
    previous = text;
    if (tty && drawn > 0) process.stdout.write(`\x1b[${drawn}A\x1b[J`);
    process.stdout.write(`${text}\n${tty ? '' : '\n'}`);
    drawn = lines.length;
  },
});

const seconds = ((Date.now() - started) / 1000).toFixed(1);
process.stdout.write(
  `\ncampaign ${result.campaign.campaignNumber} is ${result.campaign.status} after ${seconds} s\n`,
);
if (result.campaign.status !== 'created') {
  process.stdout.write(`reason: ${JSON.stringify(result.campaign.lastError)}\n`);
  process.exit(1);
}
for (const step of result.steps) {
  const rows = Object.entries(step.counts).filter(([, value]) => value > 0);
  if (rows.length > 0)
    process.stdout.write(
      `  ${step.step.padEnd(18)} ${rows.map(([action, value]) => `${value} ${action}`).join(', ')}\n`,
    );
}
