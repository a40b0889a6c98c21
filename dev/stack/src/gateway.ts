import {
  errorEnvelope,
  owningService,
  PROJECT_FACTORY_BASE,
  type ApiService,
} from '@campaign-pipeline/shared';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// One base URL for project-factory's API, as DIGIT's gateway gives the console: each path is forwarded,
// unchanged, to the service that owns it (the table the chart's Ingress routes by too).

export interface Gateway {
  /** Base URL of project-factory's API, e.g. http://127.0.0.1:3000/project-factory */
  url: string;
  port: number;
  stop(): Promise<void>;
}

function answerError(response: http.ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify(errorEnvelope([{ code, message, description: null, params: null }]));
  response.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

/** `urlOf` is asked per request, so a service restarted by the supervisor is reached where it is now. */
export async function startGateway(options: {
  port: number;
  host?: string;
  urlOf: (service: ApiService) => string;
}): Promise<Gateway> {
  const server = http.createServer((request, response) => {
    const service = owningService(request.url ?? '');
    if (!service) {
      answerError(response, 404, 'NOT_FOUND', `only ${PROJECT_FACTORY_BASE} paths are served here`);
      return;
    }
    const target = new URL(request.url ?? '/', options.urlOf(service));
    const forwarded = http.request(
      target,
      { method: request.method, headers: { ...request.headers, host: target.host } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.on('error', (error) => {
      if (response.headersSent) response.destroy(error);
      else answerError(response, 502, 'SERVICE_UNAVAILABLE', `${service} did not answer: ${error.message}`);
    });
    request.pipe(forwarded);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}${PROJECT_FACTORY_BASE}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
