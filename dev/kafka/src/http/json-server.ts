// A tiny JSON-over-HTTP router on node:http for the registry and control APIs.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type JsonRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
};
export type JsonReply = { status: number; body: unknown };
export type Route = (req: JsonRequest) => JsonReply | null | Promise<JsonReply | null>;

export class HttpError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, body: unknown) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

const MAX_BODY = 16 * 1024 * 1024;
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, { error_code: 413, message: 'Request body too large' });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, { error_code: 400, message: 'Malformed JSON body' });
  }
}

/** Serves the routes in order; the first that returns a reply answers. */
export function createJsonServer(routes: Route[], onError: (e: unknown) => void): Server {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      let reply: JsonReply;
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const request: JsonRequest = {
          method: req.method ?? 'GET',
          path: url.pathname.replace(/\/+$/, '') || '/',
          query: url.searchParams,
          body: await readBody(req),
        };
        reply = { status: 404, body: { error_code: 404, message: 'HTTP 404 Not Found' } };
        for (const route of routes) {
          const r = await route(request);
          if (r) {
            reply = r;
            break;
          }
        }
      } catch (e) {
        if (e instanceof HttpError) reply = { status: e.status, body: e.body };
        else {
          onError(e);
          reply = { status: 500, body: { error_code: 50001, message: String(e) } };
        }
      }
      const text = JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        'content-type': CONTENT_TYPE,
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    })();
  });
  server.keepAliveTimeout = 1000;
  return server;
}

export async function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

/** Matches `/a/{x}/b` style patterns; returns the decoded parameters or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const s = path.split('/');
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg.startsWith('{')) params[seg.slice(1, -1)] = decodeURIComponent(s[i]!);
    else if (seg !== s[i]) return null;
  }
  return params;
}
