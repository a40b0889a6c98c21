import axios, { AxiosError, type AxiosInstance } from 'axios';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import type { Logger } from '../logging/logger.ts';
import type { PipelineMetrics } from '../metrics/metrics.ts';
import { backoffDelay, sleep } from '../retry/backoff.ts';
import { ConcurrencyLimiter } from '../retry/limiter.ts';
import type { CallBudget, CallSlot } from './call-budget.ts';
import { currentCallOrder } from './call-order.ts';
import { currentWriteGuard } from './write-guard.ts';
import type { DigitErrorItem, RequestInfo } from './envelope.ts';

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** Answers of a gateway in front of DIGIT: the service behind it may have done the work. */
const GATEWAY_STATUSES = new Set([502, 503, 504]);
/** Answers that send a download elsewhere, and how many of them one download follows. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_DOWNLOAD_REDIRECTS = 5;
/** Network failures that happen before a request is sent: nothing can have been applied. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * A read changes nothing and is resent freely, and so is a file upload (a second copy is an unused file,
 * found by nobody); a write of an entity is never resent once its outcome is unknown.
 */
export type CallKind = 'resendable' | 'write';

/** A DIGIT call that failed for good, with what the service said and whether trying later may help. */
export class DigitError extends Error {
  readonly service: string;
  readonly endpoint: string;
  readonly status: number | null;
  readonly code: string;
  readonly errors: DigitErrorItem[];
  readonly retryable: boolean;
  /**
   * A write that may have been applied although no usable answer came back (timeout, connection reset
   * or closed, a gateway's 502/503/504): find out by searching, never by sending it again.
   */
  readonly outcomeUnknown: boolean;

  constructor(init: {
    service: string;
    endpoint: string;
    status: number | null;
    code: string;
    message: string;
    errors?: DigitErrorItem[];
    retryable: boolean;
    outcomeUnknown?: boolean;
  }) {
    super(`${init.service} ${init.endpoint}: ${init.message}`);
    this.name = 'DigitError';
    this.service = init.service;
    this.endpoint = init.endpoint;
    this.status = init.status;
    this.code = init.code;
    this.errors = init.errors ?? [];
    this.retryable = init.retryable;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }
}

/** Whether an error is a write whose outcome is unknown: what was sent may exist in DIGIT. */
export function isOutcomeUnknown(error: unknown): error is DigitError {
  return error instanceof DigitError && error.outcomeUnknown;
}

/** Whether a call failed for want of an answer in time: the client's timeout, or a gateway's 504. */
export function isAnswerLate(error: unknown): error is DigitError {
  return (
    error instanceof DigitError &&
    (error.status === 504 || error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT')
  );
}

export interface DigitClientOptions {
  service: string;
  baseUrl: string;
  concurrency: number;
  timeoutMs: number;
  retries: number;
  metrics: PipelineMetrics;
  logger: Logger;
  backoff?: { baseMs: number; maxMs: number };
  /**
   * The service's budget shared with the deployment's other processes: each attempt takes a slot of it
   * once the local limit lets it run. Without one, only the local limit bounds the calls.
   */
  budget?: CallBudget;
  /**
   * How long DIGIT may go on with a call whose answer never came (a timeout, a reset after sending): its
   * budget slot is given back only then, so that the deployment's calls inside DIGIT stay within the
   * budget while the caller moves on (to reconcile). Default 0: at once.
   */
  unansweredHoldMs?: number;
  /** The most bytes one answer may bring (default 200 MiB): more fail the call, which is not retried. */
  maxAnswerBytes?: number;
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: DigitError };

/** What an attempt got back: DIGIT's answer as it came (bytes, not read yet), or a network failure. */
type Received = { answered: true; status: number; data: unknown } | { answered: false; error: DigitError };

/**
 * An attempt sent to DIGIT that got no answer from it (none at all, or a gateway's timeout): DIGIT may
 * still be working on it.
 */
function isUnanswered(received: Received): boolean {
  if (received.answered) return false;
  const { status, code } = received.error;
  return status === 504 || (status === null && !NOT_SENT_CODES.has(code));
}

const JSON_REQUEST = { 'Content-Type': 'application/json' };

/** The most bytes a request, or an answer read whole or streamed, may carry unless told otherwise. */
const MAX_BODY_BYTES = 200 * 1024 * 1024;

/** The most bytes of a failed streamed answer that are kept to report it: DIGIT's errors are short. */
const MAX_FAILURE_ANSWER_BYTES = 1024 * 1024;

/**
 * Takes a streamed answer's bytes as they arrive and makes the call's result of them; `expectedBytes` is
 * the answer's length when DIGIT announced it.
 */
export type StreamedAnswerReader<T> = (
  chunks: AsyncIterable<Uint8Array>,
  expectedBytes?: number,
) => Promise<T>;

/** What a streamed answer's reader threw: the call's failure as it is, not a failure of the network. */
class AnswerReaderFailure {
  readonly cause: unknown;
  constructor(cause: unknown) {
    this.cause = cause;
  }
}

/**
 * A successful answer's bytes handed to `read`, and what it made of them. The network failing mid-answer
 * fails the attempt like any network failure (a read is resent); more bytes than `maxBytes` (axios counts
 * them) end it as an answer of 413 ANSWER_TOO_LARGE, which is not retried: the answer is as large the next
 * time.
 */
async function readStreamed<T>(
  endpoint: string,
  answer: { status: number; stream: Readable; expectedBytes: number | undefined; maxBytes: number },
  read: StreamedAnswerReader<T>,
): Promise<{ status: number; data: unknown }> {
  let streamFailure: unknown;
  async function* watched(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of answer.stream as AsyncIterable<Buffer>) yield chunk;
    } catch (error) {
      streamFailure = error;
      throw error;
    }
  }
  try {
    return { status: answer.status, data: await read(watched(), answer.expectedBytes) };
  } catch (error) {
    if (streamFailure === undefined) throw new AnswerReaderFailure(error);
    if (isContentLengthExceeded(streamFailure)) {
      const message = `the answer of ${endpoint} has more than ${answer.maxBytes.toLocaleString('en-US')} bytes`;
      return { status: 413, data: { Errors: [{ code: 'ANSWER_TOO_LARGE', message }] } };
    }
    throw AxiosError.from(streamFailure, (streamFailure as { code?: string }).code);
  }
}

/** The first bytes of an answer, enough to report a failure; the rest is let go. */
async function collected(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    bytes += chunk.length;
    if (bytes >= MAX_FAILURE_ANSWER_BYTES) break;
  }
  return Buffer.concat(chunks).subarray(0, MAX_FAILURE_ANSWER_BYTES);
}

/**
 * The request's body, serialized once, by its first attempt: the attempts send the same bytes, and
 * the objects it was made of (a bulk create's thousands of payloads) need not live while DIGIT works on
 * it, which at L is seconds for each of the requests a worker has in flight. Bytes, not text: axios
 * sends a Buffer as it is, but parses a JSON string back into objects to check it before every attempt
 * (in a profile of L, 0.36 s of project-sync's 8 CPU seconds, and the collection of what it made).
 */
function requestJson(requestInfo: RequestInfo, body: object): Buffer {
  return Buffer.from(JSON.stringify({ RequestInfo: requestInfo, ...body }));
}

/**
 * A write's body, or what makes it: made once the write holds its call slot, so that a write waiting for
 * one holds only what its caller keeps anyway (a chunk's rows), not a request of up to 1 MiB. At L a
 * mapping worker had 12 writes waiting at once, a user worker 34.
 */
export type WriteBody = object | (() => object);

/** What a call does around sending its attempts. */
interface CallSteps {
  /** Runs once an attempt holds its slot, before it is sent; what it throws is the call's failure. */
  prepare?: () => void;
  /**
   * How a successful answer's bytes are taken: parsed as JSON (the default), or as the attempt took them
   * (the Buffer axios gives in Node, not copied: a file is not held twice; what a streamed answer's reader
   * made of it).
   */
  answer?: 'json' | 'bytes';
}

/**
 * HTTP client of one DIGIT service: every call carries RequestInfo, has a timeout, and at most
 * `concurrency` calls are in flight, each also holding a slot of the budget when there is one; calls
 * waiting for either go by the order of their chunks (call-order.ts). Reads are retried on transient
 * failures with exponential backoff and jitter; writes only when nothing can have been applied (refused
 * connection, 408, 429, 500). A write whose outcome is unknown fails at once with `outcomeUnknown`, for
 * the caller to reconcile.
 */
export class DigitClient {
  readonly service: string;
  readonly #http: AxiosInstance;
  readonly #limiter: ConcurrencyLimiter;
  readonly #options: DigitClientOptions;

  constructor(options: DigitClientOptions) {
    this.service = options.service;
    this.#options = options;
    this.#limiter = new ConcurrencyLimiter(options.concurrency);
    this.#http = axios.create({
      baseURL: options.baseUrl,
      timeout: options.timeoutMs,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: options.concurrency }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: options.concurrency }),
      maxContentLength: options.maxAnswerBytes ?? MAX_BODY_BYTES,
      maxBodyLength: MAX_BODY_BYTES,
      validateStatus: () => true,
      // DIGIT's APIs answer where they are asked (a file download follows its redirects itself, see
      // getBytes). Without redirects axios sends through Node's own request, which lets go of the answer
      // when it closes; through follow-redirects each keep-alive socket held its last answer's chunks (a
      // boundary tree's 7 MB, a project create's 2 MB) until it carried another.
      maxRedirects: 0,
      // Answers come as bytes and are parsed once the call's slot is given back (see #read).
      responseType: 'arraybuffer',
    });
  }

  /** POST a read (a search) `{ RequestInfo, ...body }` and return the parsed answer. */
  async post<T>(
    endpoint: string,
    requestInfo: RequestInfo,
    body: object,
    params?: Record<string, string | number | boolean | undefined>,
  ): Promise<T> {
    const json = requestJson(requestInfo, body);
    return this.#call<T>(endpoint, 'resendable', () =>
      this.#http.post(endpoint, json, { params: definedParams(params), headers: JSON_REQUEST }),
    );
  }

  /**
   * POST a read whose answer is too large to hold whole (a boundary tree of 100,000 nodes): a successful
   * answer's bytes go to `read` as they arrive, at most `maxAnswerBytes` of them, and the call returns what
   * `read` makes of them. Its slot is held until `read` is done. A failure's answer is read as usual; what
   * `read` throws is the call's failure, as it is, and is not retried.
   */
  async postStreamed<T>(
    endpoint: string,
    requestInfo: RequestInfo,
    body: object,
    params: Record<string, string | number | boolean | undefined>,
    read: StreamedAnswerReader<T>,
  ): Promise<T> {
    const json = requestJson(requestInfo, body);
    return this.#call<T>(
      endpoint,
      'resendable',
      async () => {
        const response = await this.#http.post<Readable>(endpoint, json, {
          params: definedParams(params),
          headers: JSON_REQUEST,
          responseType: 'stream',
        });
        const { status, data: stream } = response;
        try {
          if (status < 200 || status >= 300) return { status, data: await collected(stream) };
          const expectedBytes = Number(response.headers['content-length']) || undefined;
          const maxBytes = this.#options.maxAnswerBytes ?? MAX_BODY_BYTES;
          return await readStreamed(endpoint, { status, stream, expectedBytes, maxBytes }, read);
        } finally {
          stream.destroy();
        }
      },
      { answer: 'bytes' },
    );
  }

  /** POST a write (create, update, delete): never resent once it may have been applied. */
  async write<T>(
    endpoint: string,
    requestInfo: RequestInfo,
    body: WriteBody,
    params?: Record<string, string | number | boolean | undefined>,
  ): Promise<T> {
    return (await this.writeTimed<T>(endpoint, requestInfo, body, params)).answer;
  }

  /**
   * A write, and how long DIGIT took to answer it: its last attempt's time, without the wait for a call
   * slot (what sizes the batches of a create whose answer grows with them).
   */
  async writeTimed<T>(
    endpoint: string,
    requestInfo: RequestInfo,
    body: WriteBody,
    params?: Record<string, string | number | boolean | undefined>,
  ): Promise<{ answer: T; ms: number }> {
    let json: Buffer | undefined;
    let ms = 0;
    const answer = await this.#call<T>(
      endpoint,
      'write',
      async () => {
        const started = performance.now();
        try {
          return await this.#http.post(endpoint, json, {
            params: definedParams(params),
            headers: JSON_REQUEST,
          });
        } finally {
          ms = performance.now() - started;
        }
      },
      {
        prepare: () => {
          json ??= requestJson(requestInfo, typeof body === 'function' ? body() : body);
        },
      },
    );
    return { answer, ms };
  }

  async get<T>(endpoint: string, params?: Record<string, string | number | boolean | undefined>): Promise<T> {
    return this.#call<T>(endpoint, 'resendable', () =>
      this.#http.get(endpoint, { params: definedParams(params) }),
    );
  }

  /**
   * The bytes at `url`. With `maxBytes`, the download stops as soon as more arrive, and fails with status
   * 413 and code FILE_TOO_LARGE, which is not retried: the same file is as large the next time. The URL is
   * one the filestore handed out (object storage, a CDN), so its redirects are followed, up to
   * MAX_DOWNLOAD_REDIRECTS.
   */
  async getBytes(url: string, options: { maxBytes?: number } = {}): Promise<Buffer> {
    const endpoint = new URL(url, this.#options.baseUrl).pathname;
    const { maxBytes } = options;
    const config = maxBytes === undefined ? {} : { maxContentLength: maxBytes };
    return this.#call<Buffer>(
      endpoint,
      'resendable',
      () =>
        this.#getFollowingRedirects(url, config).catch((error: unknown) => {
          if (maxBytes === undefined || !isContentLengthExceeded(error)) throw error;
          const message = `the file at ${endpoint} has more than ${maxBytes.toLocaleString('en-US')} bytes`;
          return { status: 413, data: { Errors: [{ code: 'FILE_TOO_LARGE', message }] } };
        }),
      { answer: 'bytes' },
    );
  }

  /** GET `url`, and the place each redirect names in turn; the last answer, a redirect past the limit too. */
  async #getFollowingRedirects(
    url: string,
    config: { maxContentLength?: number },
  ): Promise<{ status: number; data: unknown }> {
    let target = new URL(url, this.#options.baseUrl);
    for (let redirects = 0; ; redirects++) {
      const response = await this.#http.get(target.toString(), config);
      const location = response.headers.location;
      if (
        !REDIRECT_STATUSES.has(response.status) ||
        typeof location !== 'string' ||
        redirects >= MAX_DOWNLOAD_REDIRECTS
      )
        return response;
      target = new URL(location, target);
    }
  }

  async postForm<T>(endpoint: string, form: FormData): Promise<T> {
    return this.#call<T>(endpoint, 'resendable', () => this.#http.post(endpoint, form));
  }

  async #call<T>(
    endpoint: string,
    kind: CallKind,
    send: () => Promise<{ status: number; data: unknown }>,
    around: CallSteps = {},
  ): Promise<T> {
    const { prepare, answer = 'json' } = around;
    const { retries, logger } = this.#options;
    const backoff = this.#options.backoff ?? { baseMs: 200, maxMs: 10_000 };
    // Checked before each attempt is sent, once it holds its slot (see write-guard.ts).
    const guard = kind === 'write' ? currentWriteGuard() : undefined;
    const order = currentCallOrder();
    for (let attempt = 0; ; attempt++) {
      const waiting = process.hrtime.bigint();
      const received = await this.#limiter.run(async () => {
        const slot = await this.#options.budget?.take(order);
        this.#options.metrics.digitSlotWait.observe(
          { digit_service: this.service },
          Number(process.hrtime.bigint() - waiting) / 1e9,
        );
        let sent: Received | undefined;
        try {
          await guard?.();
          prepare?.();
          sent = await this.#attempt(endpoint, kind, send);
          return sent;
        } finally {
          if (slot) {
            const hold = sent && isUnanswered(sent) ? (this.#options.unansweredHoldMs ?? 0) : 0;
            if (hold > 0) setTimeout(() => void this.#giveBack(slot, endpoint), hold).unref();
            else await this.#giveBack(slot, endpoint);
          }
        }
      }, order);
      const outcome = this.#read<T>(endpoint, kind, received, answer);
      if (outcome.ok) return outcome.value;
      if (!outcome.error.retryable || outcome.error.outcomeUnknown || attempt >= retries) throw outcome.error;
      const delay = backoffDelay(attempt + 1, backoff);
      logger.warn(
        {
          digitService: this.service,
          endpoint,
          attempt: attempt + 1,
          delayMs: delay,
          code: outcome.error.code,
        },
        'DIGIT call failed, retrying',
      );
      await sleep(delay);
    }
  }

  /** One HTTP attempt, its outcome measured and counted; its answer is read later (#read). */
  async #attempt(
    endpoint: string,
    kind: CallKind,
    send: () => Promise<{ status: number; data: unknown }>,
  ): Promise<Received> {
    const { metrics } = this.#options;
    const started = process.hrtime.bigint();
    try {
      const response = await send();
      // The request, and through it this response, may stay reachable from its keep-alive socket for a
      // while after the answer came. The answer is taken off the response, so it lives only as long as
      // its caller keeps it.
      const data = response.data;
      response.data = undefined;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.digitRequestDuration.observe(
        { digit_service: this.service, endpoint, status: String(response.status) },
        seconds,
      );
      if (response.status < 200 || response.status >= 300)
        metrics.digitRequestErrors.inc({
          digit_service: this.service,
          endpoint,
          reason: String(response.status),
        });
      return { answered: true, status: response.status, data };
    } catch (error) {
      if (error instanceof AnswerReaderFailure) throw error.cause;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const code = (error as AxiosError).code ?? 'NETWORK_ERROR';
      const notSent = NOT_SENT_CODES.has(code);
      metrics.digitRequestDuration.observe(
        { digit_service: this.service, endpoint, status: 'network' },
        seconds,
      );
      metrics.digitRequestErrors.inc({ digit_service: this.service, endpoint, reason: code });
      return {
        answered: false,
        error: new DigitError({
          service: this.service,
          endpoint,
          status: null,
          code,
          message: (error as Error).message,
          // Every status is accepted by axios, so its errors are network failures and timeouts.
          retryable: (error as AxiosError).isAxiosError === true,
          outcomeUnknown: kind === 'write' && !notSent,
        }),
      };
    }
  }

  /**
   * The attempt's outcome from what it received. Parsing an answer is the caller's work, not DIGIT's: done
   * here, after the call's slot is given back, it no longer keeps the slot from the deployment's next
   * call (at L, 50 ms of each project create's slot, for a 2 MiB answer).
   */
  #read<T>(endpoint: string, kind: CallKind, received: Received, answer: 'json' | 'bytes'): Attempt<T> {
    if (!received.answered) return { ok: false, error: received.error };
    const { status } = received;
    const succeeded = status >= 200 && status < 300;
    const data = succeeded && answer === 'bytes' ? received.data : parsedAnswer(received.data);
    if (succeeded) return { ok: true, value: data as T };
    return { ok: false, error: this.#httpError(endpoint, kind, status, data) };
  }

  /** A slot that could not be given back is its budget's to free: the call's outcome stands all the same. */
  async #giveBack(slot: CallSlot, endpoint: string): Promise<void> {
    try {
      await slot.release();
    } catch (error) {
      this.#options.logger.warn(
        { err: error, digitService: this.service, endpoint },
        'could not give back a DIGIT call slot',
      );
    }
  }

  #httpError(endpoint: string, kind: CallKind, status: number, data: unknown): DigitError {
    const errors = Array.isArray((data as { Errors?: unknown })?.Errors)
      ? ((data as { Errors: DigitErrorItem[] }).Errors ?? [])
      : [];
    const first = errors[0];
    return new DigitError({
      service: this.service,
      endpoint,
      status,
      code: first?.code ?? `HTTP_${status}`,
      message: first ? `${first.code}: ${first.message}` : `HTTP ${status}`,
      errors,
      retryable: RETRYABLE_STATUSES.has(status),
      outcomeUnknown: kind === 'write' && GATEWAY_STATUSES.has(status),
    });
  }
}

/**
 * An answer's JSON, as axios would have parsed it: a byte order mark is dropped, bytes that are not JSON
 * stay text, and an empty answer is an empty string. Anything not bytes is taken as it is.
 */
function parsedAnswer(data: unknown): unknown {
  if (!Buffer.isBuffer(data)) return data;
  const text = data.toString('utf8').replace(/^\uFEFF/, '');
  if (text === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** axios's failure when an answer is longer than `maxContentLength`. */
function isContentLengthExceeded(error: unknown): boolean {
  return (error as AxiosError | undefined)?.message?.startsWith('maxContentLength size of') === true;
}

function definedParams(
  params: Record<string, string | number | boolean | undefined> | undefined,
): Record<string, string | number | boolean> | undefined {
  if (!params) return undefined;
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined)) as Record<
    string,
    string | number | boolean
  >;
}
