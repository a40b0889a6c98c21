// How intake cuts a campaign's mappings into chunks: in the order of the project chunks they wait for,
// whole chunks, and the last work in chunks of half the size, so that the last calls end close together.
// In the parallel flow that is the mappings waiting for the last round of project chunks (one per
// concurrent call); in the linear flow, which maps once every project exists, each step's own last round.
// Either way the campaign ends with DIGIT's exact expected state.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import {
  campaignFixture,
  startTestInfrastructure,
  startTestServices,
  type TestInfrastructure,
  type TestServices,
} from '../src/index.ts';
import { expectCreatedInDigit, sheetContents } from './support/expected-state.ts';

const VARIANTS = ['PVAR-2026-01-01-000001', 'PVAR-2026-01-01-000002'];
const CHUNK_ROWS = 10;
const CONCURRENCY = 2;

interface MappingRow {
  kind: string;
  chunk: number;
  projectChunk: number;
}

/** Sizes of consecutive chunks holding `rows` rows: whole chunks of `size`, then what is left. */
const chunkSizes = (rows: number, size: number) => [
  ...Array.from({ length: Math.floor(rows / size) }, () => size),
  ...(rows % size > 0 ? [rows % size] : []),
];

describe.each(['parallel', 'linear'] as const)('mapping chunks in the %s flow', (flow) => {
  let infrastructure: TestInfrastructure;
  let services: TestServices;
  let db: pg.Client;

  beforeAll(async () => {
    infrastructure = await startTestInfrastructure();
    services = await startTestServices(infrastructure, {
      env: { CHUNK_SIZE: String(CHUNK_ROWS), DIGIT_CONCURRENCY: String(CONCURRENCY), CAMPAIGN_FLOW: flow },
    });
    db = new pg.Client({ connectionString: infrastructure.env.DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await services?.stop();
    await infrastructure?.stop();
  });

  const cut =
    flow === 'parallel' ? 'of the last round of project chunks' : "of each step's own last round of chunks";
  it(`cuts the mappings ${cut} in half chunks, and creates every one`, async () => {
    const fixture = await campaignFixture({
      digitUrl: infrastructure.digit.url,
      facilities: 30,
      users: 40,
      productVariants: VARIANTS,
    });
    const id = await expectCreatedInDigit(services.client(), infrastructure.digit, fixture.details, {
      contents: await sheetContents(infrastructure.digit, fixture.sheets, 'MZ'),
      productVariants: VARIANTS,
    });

    const { rows: projectChunks } = await db.query<{ chunks: number; last: number }>(
      'SELECT count(DISTINCT chunk)::int AS chunks, max(chunk) AS last FROM campaign_project WHERE campaign_id = $1',
      [id],
    );
    const { chunks, last } = projectChunks[0] as { chunks: number; last: number };
    // Two rounds of project chunks at least, or nothing is cut finer in either flow.
    expect(chunks).toBeGreaterThanOrEqual(2 * CONCURRENCY);
    const finalFrom = last - CONCURRENCY + 1;
    const { rows } = await db.query<MappingRow>(
      `SELECT m.kind, m.chunk, p.chunk AS "projectChunk"
       FROM campaign_mapping m JOIN campaign_project p ON p.campaign_id = m.campaign_id AND p.boundary_code = m.boundary_code
       WHERE m.campaign_id = $1 ORDER BY m.kind, m.chunk, p.chunk`,
      [id],
    );
    const ownRound = CONCURRENCY * CHUNK_ROWS;
    const kinds = ['facility', 'staff', 'resource'];
    // Each way of cutting is put to work: some kind's last work is cut finer.
    expect(kinds.some((kind) => rows.filter((row) => row.kind === kind).length >= 2 * ownRound)).toBe(true);
    for (const kind of kinds) {
      const ofKind = rows.filter((row) => row.kind === kind);
      const waitingForFinal = ofKind.filter((row) => row.projectChunk >= finalFrom).length;
      expect(waitingForFinal).toBeGreaterThan(CHUNK_ROWS / 2);
      // Whole chunks, then half chunks for the last work: in the parallel flow, the mappings waiting for the
      // last round of project chunks; in the linear flow, the step's last round when it takes two or more.
      const lastWork = flow === 'parallel' ? waitingForFinal : ofKind.length >= 2 * ownRound ? ownRound : 0;
      const whole = Math.floor((ofKind.length - lastWork) / CHUNK_ROWS);
      const expected =
        lastWork === 0
          ? chunkSizes(ofKind.length, CHUNK_ROWS)
          : [
              ...chunkSizes(whole * CHUNK_ROWS, CHUNK_ROWS),
              ...chunkSizes(ofKind.length - whole * CHUNK_ROWS, CHUNK_ROWS / 2),
            ];
      const sizes = new Map<number, number>();
      for (const row of ofKind) sizes.set(row.chunk, (sizes.get(row.chunk) ?? 0) + 1);
      expect([...sizes.keys()]).toEqual(expected.map((_, index) => index));
      expect([...sizes.values()]).toEqual(expected);
      // A chunk never holds a mapping waiting for an earlier project chunk after one waiting for a later.
      const order = ofKind.map((row) => [row.chunk, row.projectChunk] as const);
      for (let index = 1; index < order.length; index++) {
        const [chunk, projectChunk] = order[index] as readonly [number, number];
        const [previousChunk, previousProject] = order[index - 1] as readonly [number, number];
        if (chunk > previousChunk) expect(projectChunk).toBeGreaterThanOrEqual(previousProject);
      }
    }
  });
});
