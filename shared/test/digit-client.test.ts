import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { AddressInfo } from 'node:net';
import {
  DigitClient,
  DigitError,
  type CallBudget,
  createLogger,
  createPipelineMetrics,
  consistencyLeft,
  isOutcomeUnknown,
  searchBoundaryTree,
  searchFacilitiesByReference,
  sendStamped,
  type DigitClients,
  withCallOrder,
  withWriteGuard,
} from '../src/index.ts';

// A small DIGIT-like server whose next answers the test scripts.
let server: http.Server;
let baseUrl: string;
let script: ((request: http.IncomingMessage, response: http.ServerResponse) => void)[] = [];
let received: { url: string; contentType: string | undefined; body: Record<string, unknown> }[] = [];
let inFlight = 0;
let highestInFlight = 0;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({
        url: request.url ?? '',
        contentType: request.headers['content-type'],
        body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
      });
      inFlight++;
      highestInFlight = Math.max(highestInFlight, inFlight);
      const answer = script.shift() ?? ok({ Project: [] });
      setTimeout(() => {
        inFlight--;
        answer(request, response);
      }, 10);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  script = [];
  received = [];
  highestInFlight = 0;
});

function ok(body: object) {
  return (_request: http.IncomingMessage, response: http.ServerResponse) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ResponseInfo: { status: 'successful' }, ...body }));
  };
}

function plain(status: number, text: string) {
  return (_request: http.IncomingMessage, response: http.ServerResponse) => {
    response.writeHead(status, { 'content-type': 'text/plain' });
    response.end(text);
  };
}

function failWith(status: number, code?: string) {
  return (_request: http.IncomingMessage, response: http.ServerResponse) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        ResponseInfo: null,
        Errors: code ? [{ code, message: `${code} happened`, params: null }] : [],
      }),
    );
  };
}

const reset = (request: http.IncomingMessage) => request.socket.destroy();

function client(overrides: Partial<ConstructorParameters<typeof DigitClient>[0]> = {}) {
  return new DigitClient({
    service: 'project',
    baseUrl,
    concurrency: 4,
    timeoutMs: 2000,
    retries: 3,
    metrics: createPipelineMetrics('test'),
    logger: createLogger('test', 'silent'),
    backoff: { baseMs: 1, maxMs: 5 },
    ...overrides,
  });
}

const requestInfo = { apiId: 'campaign-pipeline', userInfo: { uuid: 'u-1', tenantId: 'mz', roles: [] } };

describe('DIGIT client', () => {
  it('sends RequestInfo with the payload as JSON and returns the answer', async () => {
    script = [ok({ Project: [{ id: 'P-1' }] })];
    // Text beyond ASCII: the body goes out as UTF-8 bytes, whose length is not the text's.
    const projects = [{ tenantId: 'mz', name: 'Centre de Santé de Nhamatanda — 1º' }];
    const answer = await client().post<{ Project: { id: string }[] }>(
      '/health-project/v1/_search',
      requestInfo,
      { Projects: projects },
      { tenantId: 'mz', limit: 10, offset: 0 },
    );
    expect(answer.Project[0]?.id).toBe('P-1');
    expect(received[0]?.url).toBe('/health-project/v1/_search?tenantId=mz&limit=10&offset=0');
    expect(received[0]?.contentType).toBe('application/json');
    expect(received[0]?.body).toEqual({ RequestInfo: requestInfo, Projects: projects });
  });

  it('keeps no answer alive once its caller lets it go, although the socket that carried it stays open', async () => {
    v8.setFlagsFromString('--expose-gc');
    const collectGarbage = vm.runInNewContext('gc') as () => void;
    script = [ok({ Project: Array.from({ length: 1000 }, (_, index) => ({ id: `P-${index}` })) })];
    const digit = client();
    // The caller reads the answer and lets it go; only a weak reference to it is kept here.
    const readAndDrop = async () => {
      const answer = await digit.post<{ Project: { id: string }[] }>(
        '/health-project/v1/_search',
        requestInfo,
        {},
      );
      expect(answer.Project).toHaveLength(1000);
      return new WeakRef(answer.Project);
    };
    const kept = await readAndDrop();
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(kept.deref()).toBeUndefined();
  });

  it('streams a large answer to its reader and keeps none of its bytes, although the socket stays open', async () => {
    v8.setFlagsFromString('--expose-gc');
    const collectGarbage = vm.runInNewContext('gc') as () => void;
    // Made before measuring: the server, in this process too, only writes it out.
    const text = Buffer.from(JSON.stringify({ TenantBoundary: [{ boundary: 'x'.repeat(8 * 1024 * 1024) }] }));
    script = [
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length });
        response.end(text);
      },
    ];
    const digit = client();
    collectGarbage();
    const before = process.memoryUsage().arrayBuffers;
    const read = await digit.postStreamed(
      '/boundary-service/boundary-relationships/_search',
      requestInfo,
      {},
      { tenantId: 'mz' },
      async (chunks, expectedBytes) => {
        let bytes = 0;
        let largest = 0;
        for await (const chunk of chunks) {
          bytes += chunk.length;
          largest = Math.max(largest, chunk.length);
        }
        return { bytes, largest, expectedBytes };
      },
    );
    expect(read).toEqual({ bytes: text.length, largest: expect.any(Number), expectedBytes: text.length });
    // Handed over as the socket brought it, never whole.
    expect(read.largest).toBeLessThan(1024 * 1024);
    expect(received[0]?.url).toBe('/boundary-service/boundary-relationships/_search?tenantId=mz');
    const retained = () => {
      collectGarbage();
      return process.memoryUsage().arrayBuffers - before;
    };
    for (let wait = 0; wait < 50 && retained() >= 1024 * 1024; wait++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(retained()).toBeLessThan(1024 * 1024);
  });

  /** A streamed read whose reader parses the whole answer. */
  const streamedSearch = (digit: DigitClient, read?: (text: string) => unknown) =>
    digit.postStreamed(
      '/boundary-service/boundary-relationships/_search',
      requestInfo,
      {},
      {},
      async (chunks) => {
        const parts: Uint8Array[] = [];
        for await (const chunk of chunks) parts.push(chunk);
        const text = Buffer.concat(parts).toString('utf8');
        return read ? read(text) : (JSON.parse(text) as unknown);
      },
    );

  it('sends a streamed read again when its answer breaks off midway, to a fresh reader', async () => {
    const body = JSON.stringify({ TenantBoundary: [{ boundary: 'y'.repeat(512 * 1024) }] });
    script = [
      (request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
        response.write(body.slice(0, body.length / 2), () => request.socket.destroy());
      },
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(body);
      },
    ];
    expect(await streamedSearch(client())).toEqual(JSON.parse(body));
    expect(received).toHaveLength(2);
  });

  it("fails a streamed read with its reader's own error, as it is, without sending it again", async () => {
    script = [ok({ TenantBoundary: [] })];
    const refused = new RangeError('the reader refuses this answer');
    await expect(
      streamedSearch(client(), () => {
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(received).toHaveLength(1);
  });

  it('fails a streamed read whose answer is longer than the limit, without sending it again', async () => {
    script = [ok({ TenantBoundary: [{ boundary: 'z'.repeat(5000) }] })];
    const failure = await streamedSearch(client({ maxAnswerBytes: 1000 })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DigitError);
    expect(failure).toMatchObject({ status: 413, code: 'ANSWER_TOO_LARGE', retryable: false });
    expect(received).toHaveLength(1);
  });

  it('looks a boundary tree up as its answer streams in, and refuses once an answer that holds none', async () => {
    const boundaryService = { boundary: client({ service: 'boundary' }) } as unknown as DigitClients;
    script = [
      ok({
        TenantBoundary: [
          {
            tenantId: 'mz',
            boundary: [
              {
                code: 'MZ',
                boundaryType: 'COUNTRY',
                children: [{ code: 'MZ_P1', boundaryType: 'PROVINCE', children: [] }],
              },
            ],
          },
        ],
      }),
      ok({ TenantBoundary: [{ tenantId: 'mz', boundary: [{ code: 'MZ', children: [] }] }] }),
    ];
    const tree = await searchBoundaryTree(boundaryService, requestInfo, 'mz', 'ADMIN');
    expect([tree.size, tree.code(1), tree.boundaryType(1), tree.parent(1)]).toEqual([
      2,
      'MZ_P1',
      'PROVINCE',
      0,
    ]);
    expect(received[0]?.url).toBe(
      '/boundary-service/boundary-relationships/_search?tenantId=mz&hierarchyType=ADMIN&includeChildren=true',
    );
    const failure = await searchBoundaryTree(boundaryService, requestInfo, 'mz', 'ADMIN').catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(DigitError);
    expect(failure).toMatchObject({ service: 'boundary', code: 'INVALID_ANSWER', retryable: false });
    expect((failure as Error).message).toContain('MZ without a boundaryType');
    expect(received).toHaveLength(2);
  });

  it("reports a streamed read's failure as DIGIT said it, without calling the reader", async () => {
    script = [failWith(400, 'INVALID_HIERARCHY')];
    let readerCalled = false;
    const failure = await streamedSearch(client(), () => {
      readerCalled = true;
    }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 400, code: 'INVALID_HIERARCHY', retryable: false });
    expect(readerCalled).toBe(false);
  });

  it('searches facilities by reference a page of references at a time, the pages side by side', async () => {
    const facilityService = { facility: client({ service: 'facility' }) } as unknown as DigitClients;
    const references = Array.from({ length: 2500 }, (_value, index) => `ref-${index}`);
    script = [1, 2, 3].map((page) => ok({ Facilities: [{ id: `F-${page}` }], TotalCount: 1 }));
    const found = await searchFacilitiesByReference(facilityService, requestInfo, 'mz', references);
    expect(found.map((facility) => facility.id).sort()).toEqual(['F-1', 'F-2', 'F-3']);
    const asked = received.map(
      (request) => (request.body.Facility as { clientReferenceId: string[] }).clientReferenceId,
    );
    expect(asked.flat().sort()).toEqual([...references].sort());
    expect(asked.map((page) => page.length).sort((a, b) => a - b)).toEqual([500, 1000, 1000]);
    expect(highestInFlight).toBe(3);
  });

  it('does not follow a redirect: DIGIT answers where it was asked', async () => {
    script = [
      (_request, response) => {
        response.writeHead(302, { location: '/elsewhere' });
        response.end();
      },
    ];
    await expect(client().post('/health-project/v1/_search', requestInfo, {})).rejects.toMatchObject({
      status: 302,
      code: 'HTTP_302',
    });
    expect(received.map((request) => request.url)).toEqual(['/health-project/v1/_search']);
  });

  it('follows the redirects of a file download, up to five', async () => {
    const redirect =
      (location: string) => (_request: http.IncomingMessage, response: http.ServerResponse) => {
        response.writeHead(302, { location });
        response.end();
      };
    script = [redirect('/storage/a'), redirect(`${baseUrl}/storage/b`), plain(200, 'the workbook')];
    const bytes = await client().getBytes('/filestore/file?id=f-1');
    expect(bytes.toString('utf8')).toBe('the workbook');
    expect(received.map((request) => request.url)).toEqual([
      '/filestore/file?id=f-1',
      '/storage/a',
      '/storage/b',
    ]);

    received = [];
    script = Array.from({ length: 6 }, (_, hop) => redirect(`/storage/${hop}`));
    await expect(client().getBytes('/filestore/file?id=f-2')).rejects.toMatchObject({ status: 302 });
    expect(received).toHaveLength(6);
  });

  it('retries transient failures (503, 502, connection reset) and then succeeds', async () => {
    script = [failWith(503), failWith(502), reset, ok({ Project: [{ id: 'P-2' }] })];
    const answer = await client().post<{ Project: { id: string }[] }>(
      '/health-project/v1/_search',
      requestInfo,
      {},
    );
    expect(answer.Project[0]?.id).toBe('P-2');
    expect(received).toHaveLength(4);
  });

  it('gives up after its retries with a retryable error', async () => {
    script = [failWith(503), failWith(503), failWith(503), failWith(503), failWith(503)];
    const failure = await client({ retries: 2 })
      .post('/health-project/v1/_create', requestInfo, {})
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DigitError);
    expect((failure as DigitError).retryable).toBe(true);
    expect(received).toHaveLength(3);
  });

  it('never resends a write whose outcome is unknown: connection reset, gateway 502/503/504, timeout', async () => {
    const silent = () => undefined;
    for (const answer of [reset, failWith(502), failWith(503), failWith(504), silent]) {
      script = [answer, ok({ Project: [{ id: 'P-3' }] })];
      received = [];
      const failure = (await client({ timeoutMs: 300 })
        .write('/health-project/v1/_create', requestInfo, { Projects: [{}] })
        .catch((error: unknown) => error)) as DigitError;
      expect(failure).toBeInstanceOf(DigitError);
      expect(failure.outcomeUnknown).toBe(true);
      expect(isOutcomeUnknown(failure)).toBe(true);
      expect(received).toHaveLength(1);
    }
  });

  it('resends a write that was surely not applied (500, 429) and reports a rejection as known', async () => {
    script = [failWith(500), failWith(429), ok({ Project: [{ id: 'P-4' }] })];
    const answer = await client().write<{ Project: { id: string }[] }>(
      '/health-project/v1/_create',
      requestInfo,
      {},
    );
    expect(answer.Project[0]?.id).toBe('P-4');
    expect(received).toHaveLength(3);
    script = [failWith(400, 'DUPLICATE_ENTITY')];
    const failure = (await client()
      .write('/health-project/facility/v1/_create', requestInfo, {})
      .catch((error: unknown) => error)) as DigitError;
    expect([failure.code, failure.outcomeUnknown]).toEqual(['DUPLICATE_ENTITY', false]);
  });

  it('does not retry a validation error and reports DIGIT error codes', async () => {
    script = [failWith(400, 'ERR_HRMS_USER_EXIST_MOB')];
    const failure = (await client()
      .post('/health-hrms/employees/_create', requestInfo, {})
      .catch((error: unknown) => error)) as DigitError;
    expect(failure.code).toBe('ERR_HRMS_USER_EXIST_MOB');
    expect(failure.status).toBe(400);
    expect(failure.retryable).toBe(false);
    expect(received).toHaveLength(1);
  });

  it('keeps at most its concurrency limit of calls in flight', async () => {
    const limited = client({ concurrency: 2 });
    await Promise.all(Array.from({ length: 10 }, () => limited.post('/x', requestInfo, {})));
    expect(received).toHaveLength(10);
    expect(highestInFlight).toBe(2);
  });

  it("gives a free slot to the waiting call of the lowest-numbered chunk, the asking order among a chunk's calls", async () => {
    const oneAtATime = client({ concurrency: 1 });
    const call = (chunk: number, path: string) =>
      withCallOrder(chunk, () => oneAtATime.post(path, requestInfo, {}));
    // Chunk 5's call holds the only slot while the others ask, the chunk numbered last first.
    await Promise.all([
      call(5, '/first'),
      call(9, '/chunk-9'),
      call(2, '/chunk-2'),
      call(7, '/chunk-7'),
      call(2, '/chunk-2-again'),
      oneAtATime.post('/outside-a-chunk', requestInfo, {}),
    ]);
    expect(received.map((request) => request.url)).toEqual([
      '/first',
      '/outside-a-chunk',
      '/chunk-2',
      '/chunk-2-again',
      '/chunk-7',
      '/chunk-9',
    ]);
  });
});

/** A budget in memory: slots taken and given back, and the most held at once. */
function memoryBudget(slots: number) {
  const count = { taken: 0, released: 0, held: 0 };
  const waiting: (() => void)[] = [];
  const budget: CallBudget = {
    async take() {
      while (count.held >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
      count.held++;
      count.taken++;
      let released = false;
      return {
        release: async () => {
          if (released) return;
          released = true;
          count.held--;
          count.released++;
          waiting.shift()?.();
        },
      };
    },
  };
  return { budget, count };
}

describe('DIGIT client with a budget shared by the deployment', () => {
  it('takes a slot for every attempt, retries included, gives each back and reports the wait', async () => {
    const { budget, count } = memoryBudget(4);
    const metrics = createPipelineMetrics('test');
    script = [failWith(503), reset, ok({ Project: [{ id: 'P-5' }] })];
    const answer = await client({ budget, metrics }).post<{ Project: { id: string }[] }>(
      '/health-project/v1/_search',
      requestInfo,
      {},
    );
    expect(answer.Project[0]?.id).toBe('P-5');
    expect(count).toEqual({ taken: 3, released: 3, held: 0 });
    expect(await metrics.registry.metrics()).toMatch(
      /^digit_call_slot_wait_seconds_count\{[^}]*digit_service="project"[^}]*\} 3$/m,
    );
  });

  it('gives its slot back when a call fails for good or its outcome is unknown', async () => {
    const { budget, count } = memoryBudget(1);
    const budgeted = client({ budget });
    script = [failWith(400, 'INVALID_PROJECT'), reset];
    await expect(budgeted.post('/health-project/v1/_search', requestInfo, {})).rejects.toMatchObject({
      code: 'INVALID_PROJECT',
    });
    await expect(budgeted.write('/health-project/v1/_create', requestInfo, {})).rejects.toMatchObject({
      outcomeUnknown: true,
    });
    expect(count).toEqual({ taken: 2, released: 2, held: 0 });
  });

  it('holds the slot of a write left unanswered while DIGIT may still be working on it', async () => {
    const { budget, count } = memoryBudget(1);
    const budgeted = client({ budget, unansweredHoldMs: 300 });
    script = [reset, ok({})];
    const sent = Date.now();
    await expect(budgeted.write('/health-project/v1/_create', requestInfo, {})).rejects.toMatchObject({
      outcomeUnknown: true,
    });
    // The caller moves on at once; DIGIT's slot stays taken, and the next call waits for it.
    expect(count.held).toBe(1);
    await budgeted.post('/health-project/v1/_search', requestInfo, {});
    expect(Date.now() - sent).toBeGreaterThanOrEqual(300);
    expect(count).toEqual({ taken: 2, released: 2, held: 0 });
  });

  it('gives the slot of an answered failure back at once, however long unanswered calls are held', async () => {
    const { budget, count } = memoryBudget(1);
    const budgeted = client({ budget, unansweredHoldMs: 60_000 });
    script = [failWith(400, 'INVALID_PROJECT')];
    await expect(budgeted.write('/health-project/v1/_create', requestInfo, {})).rejects.toMatchObject({
      code: 'INVALID_PROJECT',
    });
    expect(count).toEqual({ taken: 1, released: 1, held: 0 });
  });

  it('gives its slot back before it reads the answer, and reads it as JSON, else as text', async () => {
    const { budget, count } = memoryBudget(1);
    const events: string[] = [];
    const watched: CallBudget = {
      async take() {
        const slot = await budget.take();
        return {
          release: async () => {
            events.push('slot given back');
            await slot.release();
          },
        };
      },
    };
    const parse = JSON.parse.bind(JSON);
    const parsing = jest.spyOn(JSON, 'parse').mockImplementation((text: string) => {
      if (text.includes('P-7')) events.push('answer parsed');
      return parse(text) as unknown;
    });
    try {
      const budgeted = client({ budget: watched });
      script = [ok({ Project: [{ id: 'P-7' }] }), plain(200, 'not JSON'), plain(200, '')];
      const answer = await budgeted.post<{ Project: { id: string }[] }>('/x', requestInfo, {});
      expect(answer.Project[0]?.id).toBe('P-7');
      expect(events).toEqual(['slot given back', 'answer parsed']);
      expect(await budgeted.post('/x', requestInfo, {})).toBe('not JSON');
      expect(await budgeted.post('/x', requestInfo, {})).toBe('');
      expect(count).toEqual({ taken: 3, released: 3, held: 0 });
    } finally {
      parsing.mockRestore();
    }
  });

  it('keeps no more calls in flight than the budget holds, below its own limit', async () => {
    const { budget } = memoryBudget(2);
    const budgeted = client({ concurrency: 4, budget });
    await Promise.all(Array.from({ length: 8 }, () => budgeted.post('/x', requestInfo, {})));
    expect(received).toHaveLength(8);
    expect(highestInFlight).toBeLessThanOrEqual(2);
  });
});

describe('DIGIT client under a write guard', () => {
  it('checks the guard once the write holds its slot, and sends nothing when it refuses', async () => {
    const oneAtATime = client({ concurrency: 1 });
    let cancelled = false;
    const refusal = new Error('the campaign was cancelled');
    const guard = async () => {
      if (cancelled) throw refusal;
    };
    // The first write holds the only slot; the campaign is cancelled while the second waits for it.
    script = [
      (request, response) => {
        cancelled = true;
        ok({})(request, response);
      },
    ];
    const first = withWriteGuard(guard, () =>
      oneAtATime.write('/health-project/v1/_create', requestInfo, {}),
    );
    const second = withWriteGuard(guard, () =>
      oneAtATime.write('/health-project/v1/_create', requestInfo, {}),
    );
    await expect(first).resolves.toBeDefined();
    await expect(second).rejects.toBe(refusal);
    expect(received).toHaveLength(1);
    // Reads are not guarded, and the slot was given back.
    await expect(withWriteGuard(guard, () => oneAtATime.post('/x', requestInfo, {}))).resolves.toBeDefined();
  });
});

describe('DIGIT client with a body made on sending', () => {
  it('makes a write body once it holds its slot, once for all its attempts', async () => {
    const oneAtATime = client({ concurrency: 1 });
    let made = 0;
    const madeWhenFirstArrived: number[] = [];
    // The first write holds the only slot; the second's body is not made while it waits. Its first
    // attempt is refused with a 500 (surely not applied) and sent again with the same bytes.
    script = [
      (request, response) => {
        madeWhenFirstArrived.push(made);
        ok({})(request, response);
      },
      failWith(500),
    ];
    const first = oneAtATime.write('/health-project/v1/_create', requestInfo, { Projects: [] });
    const second = oneAtATime.write('/health-project/v1/_create', requestInfo, () => {
      made++;
      return { Projects: [{ name: `made ${made}` }] };
    });
    await Promise.all([first, second]);
    expect(madeWhenFirstArrived).toEqual([0]);
    expect(made).toBe(1);
    expect(received.map((request) => request.body.Projects)).toEqual([
      [],
      [{ name: 'made 1' }],
      [{ name: 'made 1' }],
    ]);
  });

  it('fails a write whose body cannot be made with that error, sends nothing and gives its slot back', async () => {
    const oneAtATime = client({ concurrency: 1 });
    const broken = new Error('a payload could not be made');
    await expect(
      oneAtATime.write('/health-project/v1/_create', requestInfo, () => {
        throw broken;
      }),
    ).rejects.toBe(broken);
    expect(received).toHaveLength(0);
    await expect(oneAtATime.write('/health-project/v1/_create', requestInfo, {})).resolves.toBeDefined();
  });
});

describe("a write's attempt stamp", () => {
  // What PostgreSQL would hold as the rows' attempted_at: the time of each stamp.
  function stampedRows() {
    const stamps: number[] = [];
    return { stamps, stamp: async () => void stamps.push(Date.now()) };
  }

  it('is made again once the write holds its slot when its wait outlasted the maximum age', async () => {
    const oneAtATime = client({ concurrency: 1 });
    const arrived: number[] = [];
    // The first write holds the only slot for 150 ms; the second, stamped before its wait, is sent after.
    script = [
      (request, response) => {
        arrived.push(Date.now());
        setTimeout(() => ok({})(request, response), 150);
      },
      (request, response) => {
        arrived.push(Date.now());
        ok({})(request, response);
      },
    ];
    const waiting = stampedRows();
    const first = oneAtATime.write('/health-project/v1/_create', requestInfo, {});
    const second = sendStamped(
      waiting.stamp,
      () => oneAtATime.write('/health-project/v1/_create', requestInfo, {}),
      50,
    );
    await Promise.all([first, second]);
    expect(waiting.stamps).toHaveLength(2);
    const [before = 0, again = 0] = waiting.stamps;
    const sent = arrived[1] ?? 0;
    // The stamp a retry counts from is not older than the maximum age when the write goes out.
    expect(again).toBeGreaterThanOrEqual((arrived[0] ?? 0) + 150 - 5);
    expect(sent - again).toBeLessThanOrEqual(50);
    expect(sent - before).toBeGreaterThan(50);
  });

  it('is made once when the write holds its slot within the maximum age', async () => {
    const rows = stampedRows();
    await sendStamped(rows.stamp, () => client().write('/health-project/v1/_create', requestInfo, {}), 5000);
    expect(rows.stamps).toHaveLength(1);
    expect(received).toHaveLength(1);
  });

  it("is checked after the chunk's guard, and not made again for a write that guard stops", async () => {
    const oneAtATime = client({ concurrency: 1 });
    let cancelled = false;
    const refusal = new Error('the campaign was cancelled');
    const chunkGuard = async () => {
      if (cancelled) throw refusal;
    };
    script = [
      (request, response) => {
        cancelled = true;
        setTimeout(() => ok({})(request, response), 100);
      },
    ];
    const rows = stampedRows();
    const first = oneAtATime.write('/health-project/v1/_create', requestInfo, {});
    const second = withWriteGuard(chunkGuard, () =>
      sendStamped(rows.stamp, () => oneAtATime.write('/health-project/v1/_create', requestInfo, {}), 10),
    );
    await first;
    await expect(second).rejects.toBe(refusal);
    expect(rows.stamps).toHaveLength(1);
    expect(received).toHaveLength(1);
  });

  it("makes a retry wait the stamp's maximum age on top of the timeout and the consistency window", () => {
    const settings = {
      DIGIT_TIMEOUT_MS: 15_000,
      DIGIT_SEARCH_CONSISTENCY_MS: 5000,
      DIGIT_ATTEMPT_STAMP_MAX_AGE_MS: 5000,
    };
    // 25 s (15 + 5 + 5) after the stamp, less the time gone by since, as the clock read before and after.
    const leftAfterStamp = (stamps: (Date | null)[], stampedAt: number) => {
      const before = Date.now();
      const left = consistencyLeft(stamps, settings);
      const after = Date.now();
      expect(left).toBeGreaterThanOrEqual(stampedAt + 25_000 - after);
      expect(left).toBeLessThanOrEqual(stampedAt + 25_000 - before);
    };
    const stampedAt = Date.now() - 1000;
    leftAfterStamp([new Date(stampedAt)], stampedAt);
    expect(consistencyLeft([null], settings)).toBe(0);
    // A chunk of as many rows as CHUNK_SIZE allows and more: the newest of them still counts.
    const many: (Date | null)[] = Array.from({ length: 300_000 }, () => null);
    many[250_000] = new Date(stampedAt);
    leftAfterStamp(many, stampedAt);
  });
});
