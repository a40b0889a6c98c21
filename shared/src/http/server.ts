import AjvCompiler from '@fastify/ajv-compiler';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify';
import type { Logger } from '../logging/logger.ts';
import type { Registry } from 'prom-client';
import { installErrorHandling } from './api-error.ts';

const QUIET_PATHS = new Set(['/health', '/ready', '/metrics']);

/** A named dependency the service needs to do its work, checked by /ready. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

/** Who answers: a supervisor checks it, so another process on the same port is never taken for this one. */
export interface ServiceIdentity {
  service: string;
  pid: number;
}

export interface HttpServerOptions {
  identity: ServiceIdentity;
  logger: Logger;
  registry: Registry;
  readiness: ReadinessCheck[];
  bodyLimit?: number;
}

type ValidatorFactory = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']
>;

/** A compiled validator: Fastify reads a failed validation's reasons from its `errors`. */
type Validator = ((data: unknown) => unknown) & { errors?: unknown };

/**
 * Fastify's own validators (same Ajv, same options), each compiled on its route's first request instead
 * of while the server starts: compiling every route's schemas took a restarted service hundreds of
 * milliseconds of CPU, during which its consumers could not rejoin their groups.
 */
function lazyValidators(): ValidatorFactory {
  const build = AjvCompiler();
  return ((externalSchemas, options) => {
    const compile = build(externalSchemas, options);
    return (route: AjvCompiler.RouteDefinition) => {
      let validate: Validator | undefined;
      const lazy: Validator = (data) => {
        validate ??= compile(route);
        const result = validate(data);
        lazy.errors = validate.errors;
        return result;
      };
      return lazy;
    };
  }) as ValidatorFactory;
}

/**
 * The HTTP face every service has: /health (the process is alive), /ready (its dependencies answer) and
 * /metrics (Prometheus). Services add their own routes before listening.
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // Probes and scrapes every few seconds would drown the log; API calls are logged.
    logController: new LogController({
      disableRequestLogging: (request) => QUIET_PATHS.has(request.url.split('?')[0] ?? ''),
    }),
    bodyLimit: options.bodyLimit ?? 10 * 1024 * 1024,
    schemaController: { compilersFactory: { buildValidator: lazyValidators() } },
  });
  installErrorHandling(app);
  const { service, pid } = options.identity;
  app.get('/health', async () => ({ status: 'ok', service, pid }));
  app.get('/ready', async (_request, reply) => {
    const results = await Promise.all(
      options.readiness.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), 3000, `${name} did not answer within 3 s`);
          return { name, ok: true as const };
        } catch (error) {
          return { name, ok: false as const, error: (error as Error).message };
        }
      }),
    );
    const ready = results.every((result) => result.ok);
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not ready', service, pid, checks: results });
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', options.registry.contentType);
    return options.registry.metrics();
  });
  return app;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
